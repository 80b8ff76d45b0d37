"""Bounded capture of a worker's stdout/stderr: the first and last bytes are kept, everything is counted."""

import threading

HEAD_BYTES = 8 * 1024
TAIL_BYTES = 8 * 1024


class BoundedCapture:
    """Drains a binary stream on a thread so a chatty entry can never block on a full pipe."""

    def __init__(self, stream, head=HEAD_BYTES, tail=TAIL_BYTES):
        self._stream = stream
        self._head_limit, self._tail_limit = head, tail
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def _drain(self):
        read = getattr(self._stream, "read1", self._stream.read)
        while True:
            chunk = read(65536)
            if not chunk:
                break
            self.total += len(chunk)
            room = self._head_limit - len(self.head)
            if room > 0:
                self.head += chunk[:room]
                chunk = chunk[room:]
            if chunk:
                self.tail += chunk
                if len(self.tail) > self._tail_limit:
                    del self.tail[: len(self.tail) - self._tail_limit]
        self._stream.close()

    def join(self, timeout):
        self._thread.join(timeout)

    @property
    def truncated(self):
        return self.total > len(self.head) + len(self.tail)

    def text(self):
        head = self.head.decode("utf-8", "replace")
        if not self.truncated:
            return head + self.tail.decode("utf-8", "replace")
        omitted = self.total - len(self.head) - len(self.tail)
        return f"{head}\n[... {omitted} bytes omitted ...]\n{self.tail.decode('utf-8', 'replace')}"
