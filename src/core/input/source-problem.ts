/** Something wrong with the input, pinned to the 1-based line where it is. */
export interface SourceProblem {
  line: number;
  message: string;
}
