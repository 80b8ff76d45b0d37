"""The worker's private line of JSON messages to the parent, kept apart from the entry's stdout and stderr.

A file rather than a pipe: it works on every platform, survives the worker dying mid-entry (every message is
flushed as it is sent, and a torn last line is ignored), and nothing the user's code prints can reach it.
"""

import json


class ChannelWriter:
    """Worker side."""

    def __init__(self, path):
        self._file = open(path, "a", encoding="utf-8")

    def send(self, event, **fields):
        self._file.write(json.dumps({"event": event, **fields}, separators=(",", ":")) + "\n")
        self._file.flush()


class ChannelReader:
    """Parent side: ``poll()`` returns the messages completed since the last poll."""

    def __init__(self, path):
        self._path = path
        self._offset = 0

    def poll(self):
        with open(self._path, "rb") as handle:
            handle.seek(self._offset)
            data = handle.read()
        complete = data[: data.rfind(b"\n") + 1]
        self._offset += len(complete)
        messages = []
        for line in complete.splitlines():
            try:
                messages.append(json.loads(line))
            except ValueError:
                continue  # cannot happen for whole lines the worker wrote; skip rather than fail the run
        return messages
