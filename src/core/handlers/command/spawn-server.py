# The spawn server: started by spawn-server.ts as `python3 -I -S -c <this file's text>`.
# scripts/embed-sources.mjs copies this file into spawn-server-source.ts (run by npm run build,
# typecheck and test); edit this file, never the generated module.
# Protocol: see spawn-server.ts. One JSON object per line each way; the first request sets
# the base environment, so that what Python itself changes in os.environ at start-up
# (LC_CTYPE, by PEP 538 locale coercion) never reaches a command.
import base64, errno, json, os, selectors, signal, sys, time

TAIL_BYTES = 16384  # the Node side keeps the last 4000 characters: up to 16 KB of UTF-8
DRAIN_S = 1.0  # after a child exits, how long a grandchild may keep its pipes open
GONE_KILL_GRACE_S = 1.0  # Node gone: from SIGTERM to SIGKILL of the commands left (as KILL_GRACE_MS)
READ_BYTES = 65536
# Children get every signal at its default, as Node's spawn gives them (Python itself
# ignores SIGPIPE and, here, SIGINT: posix_spawn would pass those on).
DEFAULT_SIGNALS = set(signal.valid_signals()) - {signal.SIGKILL, signal.SIGSTOP}


class Child:
    def __init__(self, token, pid):
        self.token = token
        self.pid = pid
        self.status = None  # from waitpid, once the child has exited
        self.drain_until = 0.0
        self.stdin = None  # (fd, memoryview of the bytes left to write)
        self.reading = set()  # stdout and stderr fds not at end of file yet
        self.tails = {}  # fd -> bytearray
        self.keep = None  # bytes of stdout's head to keep for a result (--results)
        self.head = None  # (stdout fd, bytearray of at most keep + 1 bytes)


class Server:
    def __init__(self):
        self.selector = selectors.DefaultSelector()
        self.children = {}  # pid -> Child
        self.draining = set()  # exited children whose pipes are still open
        self.base_env = {}
        self.requests = bytearray()
        self.replies = []
        wake_r, self.wake_w = os.pipe()
        os.set_blocking(wake_r, False)
        os.set_blocking(self.wake_w, False)
        signal.set_wakeup_fd(self.wake_w, warn_on_full_buffer=False)
        # A handler (not SIG_DFL) is needed for the wakeup fd to hear SIGCHLD.
        signal.signal(signal.SIGCHLD, lambda signum, frame: None)
        self.selector.register(wake_r, selectors.EVENT_READ, self.on_wakeup)
        os.set_blocking(0, False)
        self.selector.register(0, selectors.EVENT_READ, self.on_requests)

    def run(self):
        self.reply({"ready": True})
        while True:
            self.flush()
            timeout = None
            if self.draining:
                timeout = max(0.0, min(c.drain_until for c in self.draining) - time.monotonic())
            for key, _ in self.selector.select(timeout):
                key.data(key.fd)
            now = time.monotonic()
            for child in [c for c in self.draining if c.drain_until <= now]:
                self.finish(child)

    def reply(self, message):
        self.replies.append(json.dumps(message, separators=(",", ":")).encode() + b"\n")

    def flush(self):
        data = memoryview(b"".join(self.replies))
        self.replies = []
        try:
            while data:
                data = data[os.write(1, data):]  # blocking: Node always reads
        except BrokenPipeError:
            self.node_gone()  # Node was killed before its end of our stdin was seen closed

    def on_requests(self, fd):
        try:
            chunk = os.read(fd, 1 << 20)
        except BlockingIOError:
            return
        if not chunk:
            self.node_gone()
        start = 0
        scan_from = len(self.requests)  # the bytes before had no newline
        self.requests += chunk
        end = self.requests.find(b"\n", scan_from)
        while end != -1:
            self.on_request(json.loads(self.requests[start:end]))
            start = end + 1
            end = self.requests.find(b"\n", start)
        del self.requests[:start]

    def node_gone(self):
        # Node closed our stdin. After a normal end no command is left; if Node was
        # killed (SIGKILL), the commands it started are stopped with it, so none keeps
        # running beside the same item started again by the next, resumed run: SIGTERM,
        # then SIGKILL to every group after GONE_KILL_GRACE_S (a command that ignores
        # SIGTERM, or a grandchild that outlived its shell, would otherwise run on).
        groups = list(self.children)
        for pid in groups:
            try:
                os.killpg(pid, signal.SIGTERM)
            except OSError:
                pass
        deadline = time.monotonic() + GONE_KILL_GRACE_S
        left = set(groups)
        while left and time.monotonic() < deadline:
            for pid in list(left):
                try:
                    if os.waitpid(pid, os.WNOHANG)[0] != 0:
                        left.discard(pid)
                except ChildProcessError:
                    left.discard(pid)
            time.sleep(0.02)
        for pid in groups:
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
        os._exit(0)

    def on_request(self, request):
        op = request["op"]
        if op == "env":
            self.base_env = {k.encode(): v.encode() for k, v in request["env"].items()}
        elif op == "spawn":
            try:
                self.spawn(request)
            except OSError as e:
                name = errno.errorcode.get(e.errno, str(e.errno))
                self.reply({"token": request["token"], "error": "%s (%s)" % (e.strerror, name)})
            except Exception as e:  # e.g. ValueError for a NUL byte: fail the item, not the server
                self.reply({"token": request["token"], "error": str(e)})

    def spawn(self, request):
        env = dict(self.base_env)
        for key, value in request["env"].items():
            if value is None:
                env.pop(key.encode(), None)
            else:
                env[key.encode()] = value.encode()
        argv = [a.encode() for a in request["argv"]]
        pipes = []  # stdin, stdout, stderr: (read end, write end)
        try:
            for _ in range(3):
                pipes.append(os.pipe())  # close-on-exec: only the dup2 copies reach the child
            theirs = [pipes[0][0], pipes[1][1], pipes[2][1]]
            actions = [(os.POSIX_SPAWN_DUP2, fd, i) for i, fd in enumerate(theirs)]
            pid = os.posix_spawn(argv[0], argv, env, file_actions=actions, setsid=True, setsigdef=DEFAULT_SIGNALS)
        except BaseException:
            for fd in (fd for pipe in pipes for fd in pipe):
                os.close(fd)
            raise
        for fd in theirs:
            os.close(fd)
        ours = [pipes[0][1], pipes[1][0], pipes[2][0]]
        child = Child(request["token"], pid)
        self.children[pid] = child
        if request.get("keep") is not None:
            child.keep = request["keep"]
            child.head = (pipes[1][0], bytearray())
        self.reply({"token": child.token, "pid": pid})
        stdin, stdout, stderr = ours
        for fd in ours:
            os.set_blocking(fd, False)
        for fd in (stdout, stderr):
            child.reading.add(fd)
            child.tails[fd] = bytearray()
            self.selector.register(fd, selectors.EVENT_READ, lambda fd, c=child: self.on_output(c, fd))
        child.stdin = (stdin, memoryview(request["stdin"].encode()))
        self.write_stdin(child)
        if child.stdin:
            self.selector.register(stdin, selectors.EVENT_WRITE, lambda fd, c=child: self.write_stdin(c))

    def write_stdin(self, child):
        fd, data = child.stdin
        try:
            while data:
                data = data[os.write(fd, data):]
        except BlockingIOError:
            child.stdin = (fd, data)
            return
        except OSError:
            pass  # EPIPE: the command closed its input early, or never reads it
        self.close_stdin(child)

    def close_stdin(self, child):
        if child.stdin is None:
            return
        fd = child.stdin[0]
        child.stdin = None
        if fd in self.selector.get_map():
            self.selector.unregister(fd)
        os.close(fd)

    def on_output(self, child, fd):
        try:
            chunk = os.read(fd, READ_BYTES)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""  # unreadable: treat it as the end of the output
        if chunk:
            if child.head is not None and child.head[0] == fd and len(child.head[1]) <= child.keep:
                child.head[1].extend(chunk[: child.keep + 1 - len(child.head[1])])
            tail = child.tails[fd]
            tail += chunk
            if len(tail) > 2 * TAIL_BYTES:
                del tail[:-TAIL_BYTES]
            return
        self.selector.unregister(fd)
        os.close(fd)
        child.reading.discard(fd)
        if child.status is not None and not child.reading:
            self.finish(child)

    def on_wakeup(self, fd):
        try:
            while os.read(fd, 4096):
                pass
        except BlockingIOError:
            pass
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            child = self.children.get(pid)
            if child is None:
                continue
            child.status = status
            if child.reading:
                child.drain_until = time.monotonic() + DRAIN_S
                self.draining.add(child)
            else:
                self.finish(child)

    def finish(self, child):
        self.draining.discard(child)
        del self.children[child.pid]
        self.close_stdin(child)
        for fd in child.reading:
            self.selector.unregister(fd)
            os.close(fd)
        status = child.status
        message = {"token": child.token}
        if os.WIFSIGNALED(status):
            number = os.WTERMSIG(status)
            try:
                message["signal"] = signal.Signals(number).name
            except ValueError:
                message["signal"] = "SIG%d" % number
        else:
            message["code"] = os.WEXITSTATUS(status)
        if message.get("code") == 0 and child.head is not None:
            message["out"] = base64.b64encode(bytes(child.head[1][: child.keep])).decode()
            message["over"] = len(child.head[1]) > child.keep
        if message.get("code") != 0:
            stdout, stderr = (bytes(t[-TAIL_BYTES:]) for t in child.tails.values())
            message["stdout"] = base64.b64encode(stdout).decode()
            message["stderr"] = base64.b64encode(stderr).decode()
        self.reply(message)


def main():
    if sys.version_info < (3, 8) or not hasattr(os, "posix_spawn"):
        sys.exit("python 3.8 or later with os.posix_spawn is required")
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Prove posix_spawn with setsid works here before saying ready.
    pid = os.posix_spawn("/bin/sh", [b"/bin/sh", b"-c", b":"], {}, setsid=True)
    os.waitpid(pid, 0)
    Server().run()


main()
