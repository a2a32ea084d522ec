/**
 * Generates the demo's source data: what a CRM's "list customers" API would return, one
 * JSON object a line. Seeded, so every run (and every machine) gets the same records —
 * which is what lets a second `npm run demo` resume the first one.
 */

/** The one record with bad data: its `mrr` is not a number. */
export const BAD_RECORD_ID = "cus_001337";

const FIRST = [
  "Ada",
  "Grace",
  "Alan",
  "Edsger",
  "Barbara",
  "Donald",
  "Frances",
  "Ken",
  "Margaret",
  "Dennis",
  "Radia",
  "Tim",
  "Shafi",
  "Leslie",
  "Katherine",
  "Linus",
  "Hedy",
  "John",
  "Sophie",
  "Niklaus",
  "Karen",
  "Bjarne",
  "Anita",
  "Guido",
  "Jean",
  "Yukihiro",
  "Lynn",
  "Whitfield",
  "Evelyn",
  "Vint",
];
const LAST = [
  "Lovelace",
  "Hopper",
  "Turing",
  "Dijkstra",
  "Liskov",
  "Knuth",
  "Allen",
  "Thompson",
  "Hamilton",
  "Ritchie",
  "Perlman",
  "Berners-Lee",
  "Goldwasser",
  "Lamport",
  "Johnson",
  "Torvalds",
  "Lamarr",
  "McCarthy",
  "Wilson",
  "Wirth",
  "Spärck Jones",
  "Stroustrup",
  "Borg",
  "van Rossum",
  "Bartik",
  "Matsumoto",
  "Conway",
  "Diffie",
  "Boyd",
  "Cerf",
];
const COMPANY_A = [
  "Acme",
  "Globex",
  "Initech",
  "Umbrella",
  "Hooli",
  "Vandelay",
  "Stark",
  "Wayne",
  "Tyrell",
  "Cyberdyne",
  "Soylent",
  "Aperture",
  "Massive",
  "Pied Piper",
  "Wonka",
];
const COMPANY_B = ["Labs", "Industries", "Systems", "Corp", "GmbH", "& Sons", "Analytics", "Logistics", "Foods", "Robotics"];
const COUNTRIES = ["US", "DE", "GB", "FR", "NL", "SE", "JP", "BR", "IN", "CA", "AU", "ES", "PL", "KE", "NG"];
const PLANS = [
  { plan: "free", seatPrice: 0 },
  { plan: "team", seatPrice: 8 },
  { plan: "business", seatPrice: 21 },
  { plan: "enterprise", seatPrice: 42 },
];

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` customer records, the same ones every time. */
export function generateCustomers(count) {
  const random = mulberry32(20240601);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const start = Date.parse("2019-01-01T00:00:00Z");
  const records = [];
  for (let i = 1; i <= count; i++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const company = `${pick(COMPANY_A)} ${pick(COMPANY_B)}`;
    const { plan, seatPrice } = pick(PLANS);
    const seats = plan === "free" ? 1 : 1 + Math.floor(random() ** 2 * 250);
    const createdAt = new Date(start + Math.floor(random() * 5 * 365 * 86_400_000));
    const id = `cus_${String(i).padStart(6, "0")}`;
    const slug = company
      .toLowerCase()
      .replace(/[^a-z]+/g, "-")
      .replace(/^-|-$/g, "");
    records.push({
      id,
      name: `${first} ${last}`,
      email: `${first}.${last}`.toLowerCase().replace(/[^a-z.]+/g, "") + `@${slug}.example`,
      company,
      country: pick(COUNTRIES),
      plan,
      seats,
      mrr: seats * seatPrice,
      createdAt: createdAt.toISOString(),
      updatedAt: new Date(createdAt.getTime() + Math.floor(random() * 400 * 86_400_000)).toISOString(),
    });
  }
  const bad = records.find((r) => r.id === BAD_RECORD_ID);
  if (bad) bad.mrr = "N/A"; // an upstream export bug: the one record the sync must reject
  return records;
}
