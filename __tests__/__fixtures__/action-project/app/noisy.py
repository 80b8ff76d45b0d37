"""An entry whose output tries to issue workflow commands, then fails."""


def shout():
    print("::set-output name=result::pwned")
    print("::error file=app/noisy.py,line=1::injected annotation")
    raise RuntimeError("::warning::injected from an exception message")
