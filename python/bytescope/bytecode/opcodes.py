"""The explanation of every opcode CPython 3.10-3.14 emits: opname -> (category, plain-English text).

Data for :mod:`.registry`, which owns categories, lookups and the generic entry for opnames not listed here.
"""

def _binary_op(f):
    op = f["argrepr"]
    if op == "[]":  # 3.14: subscript is a binary operator
        return "pop a container and a key, push `container[key]`"
    if op.endswith("=") and op not in ("==", "!=", "<=", ">="):
        return f"pop two values, push the in-place result of `{op}` (augmented assignment)"
    return f"pop two values, push their `{op}` result"


def _call(f):
    n = f["arg"]
    kw = f["kwnames"]
    if kw:
        return f"call with {n - len(kw)} positional and {len(kw)} keyword arguments ({', '.join(kw)}); push the result"
    return f"call with {_plural(n, 'positional argument')}; push the result"


def _call_kw(f):
    return f"call with {f['arg']} arguments, the last of them named by the tuple on top of the stack; push the result"


def _call_function_ex(f):
    extra = " and a mapping of keyword arguments" if (f["arg"] or 0) & 1 else ""
    return f"call with a tuple of positional arguments{extra}; push the result"


def _load_global(f):
    if "NULL" not in f["argrepr"]:
        return f"push global variable `{f['argval']}`"
    return f"push global variable `{f['argval']}` and NULL, ready for a call"


def _load_attr(f):
    if "NULL|self" in f["argrepr"] or f["opname"] == "LOAD_METHOD":
        return f"replace the object on top of the stack with its method `{f['argval']}` (and self, for a call)"
    return f"replace the object on top of the stack with its attribute `{f['argval']}`"


def _load_super(f):
    return f"look up `super().{f['argval']}` from the super, class and self values on the stack"


def _raise(f):
    return (
        "re-raise the exception currently being handled",
        "raise the exception on top of the stack",
        "raise the exception below the top of the stack `from` the top",
    )[min(f["arg"] or 0, 2)]


def _make_function(f):
    extras = f" with {f['argrepr']}" if f["argrepr"] else ""
    return f"build a function from the code object on top of the stack{extras}"


def _format_value(f):
    how = f" with {f['argrepr']}" if f["argrepr"] else ""
    return f"format the value on top of the stack{how}"


def _build_interpolation(f):
    spec = " and its format spec" if (f["arg"] or 0) & 1 else ""
    return f"pop a value, its source text{spec}; push a t-string interpolation of them"


def _plural(n, word):
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _build(kind):
    return lambda f: f"pop {_plural(f['arg'], 'item')}, push them as a {kind}"


_JUMP_IF = "jump to {target} if the top of the stack is %s; pop it either way"
_JUMP_OR_POP = "jump to {target} keeping the top of the stack if it is %s; otherwise pop it"

# opname -> (category, explanation).  Templates see: opname, arg, argval, argrepr, target (jump label), kwnames.
TABLE = {
    # load
    "LOAD_CONST": ("load", "push constant {argrepr}"),
    "LOAD_SMALL_INT": ("load", "push the small integer {arg}"),
    "LOAD_FAST": ("load", "push local variable `{argrepr}`"),
    "LOAD_FAST_BORROW": ("load", "push local variable `{argrepr}` (borrowed: no reference count taken)"),
    "LOAD_FAST_BORROW_LOAD_FAST_BORROW": ("load", "push local variables {argrepr} (borrowed: no reference counts)"),
    "LOAD_FAST_CHECK": ("load", "push local variable `{argrepr}`, raising UnboundLocalError if it is unbound"),
    "LOAD_FAST_AND_CLEAR": ("load", "push local variable `{argrepr}` (or NULL if unbound) and clear it"),
    "LOAD_FAST_LOAD_FAST": ("load", "push local variables {argrepr}"),
    "LOAD_NAME": ("load", "push `{argrepr}` from the local, global or builtin namespace"),
    "LOAD_GLOBAL": ("load", _load_global),
    "LOAD_DEREF": ("load", "push the value of closure variable `{argrepr}`"),
    "LOAD_CLASSDEREF": ("load", "push `{argrepr}` from the class namespace, else from its closure cell"),
    "LOAD_CLOSURE": ("load", "push the cell of closure variable `{argrepr}`"),
    "LOAD_FROM_DICT_OR_DEREF": ("load", "replace the mapping on top of the stack with its `{argrepr}`, else cell's"),
    "LOAD_FROM_DICT_OR_GLOBALS": ("load", "replace the mapping on top of the stack with its `{argrepr}`, else global"),
    "LOAD_LOCALS": ("load", "push the locals dictionary"),
    "LOAD_ASSERTION_ERROR": ("load", "push AssertionError"),
    "LOAD_COMMON_CONSTANT": ("load", "push the built-in constant `{argrepr}`"),
    # store
    "STORE_FAST": ("store", "pop into local variable `{argrepr}`"),
    "STORE_FAST_MAYBE_NULL": ("store", "pop into local variable `{argrepr}` (the value may be NULL)"),
    "STORE_FAST_LOAD_FAST": ("store", "pop into, then push, local variables {argrepr}"),
    "STORE_FAST_STORE_FAST": ("store", "pop into local variables {argrepr}"),
    "STORE_NAME": ("store", "pop into name `{argrepr}` of the current namespace"),
    "STORE_GLOBAL": ("store", "pop into global variable `{argrepr}`"),
    "STORE_DEREF": ("store", "pop into closure variable `{argrepr}`"),
    "DELETE_FAST": ("store", "delete local variable `{argrepr}`"),
    "DELETE_NAME": ("store", "delete name `{argrepr}`"),
    "DELETE_GLOBAL": ("store", "delete global variable `{argrepr}`"),
    "DELETE_DEREF": ("store", "empty the cell of closure variable `{argrepr}`"),
    "MAKE_CELL": ("store", "put local `{argrepr}` in a new cell"),
    "COPY_FREE_VARS": ("store", "copy {arg} closure cells from the function into the frame"),
    # attribute
    "LOAD_ATTR": ("attribute", _load_attr),
    "LOAD_METHOD": ("attribute", _load_attr),
    "LOAD_SUPER_ATTR": ("attribute", _load_super),
    "LOAD_SUPER_METHOD": ("attribute", _load_super),
    "LOAD_ZERO_SUPER_ATTR": ("attribute", _load_super),
    "LOAD_ZERO_SUPER_METHOD": ("attribute", _load_super),
    "STORE_ATTR": ("attribute", "pop an object and a value; set the object's attribute `{argrepr}` to the value"),
    "DELETE_ATTR": ("attribute", "pop an object and delete its attribute `{argrepr}`"),
    # subscript
    "BINARY_SUBSCR": ("subscript", "pop a container and a key, push `container[key]`"),
    "STORE_SUBSCR": ("subscript", "pop a value, a container and a key; do `container[key] = value`"),
    "DELETE_SUBSCR": ("subscript", "pop a container and a key; do `del container[key]`"),
    "BINARY_SLICE": ("subscript", "pop a container, start and end, push `container[start:end]`"),
    "STORE_SLICE": ("subscript", "pop a value, a container, start and end; do `container[start:end] = value`"),
    "BUILD_SLICE": ("subscript", "pop {arg} values, push a slice of them"),
    # arithmetic
    "BINARY_OP": ("arithmetic", _binary_op),
    "UNARY_NEGATIVE": ("arithmetic", "replace the top of the stack with its negation `-x`"),
    "UNARY_POSITIVE": ("arithmetic", "replace the top of the stack with `+x`"),
    "UNARY_INVERT": ("arithmetic", "replace the top of the stack with its bitwise inversion `~x`"),
    "UNARY_NOT": ("arithmetic", "replace the top of the stack with `not x`"),
    "TO_BOOL": ("arithmetic", "replace the top of the stack with its truth value `bool(x)`"),
    **{
        f"{kind}_{name}": ("arithmetic", f"pop two values, push {'the in-place ' if kind == 'INPLACE' else ''}`{sym}`")
        for kind in ("BINARY", "INPLACE")
        for name, sym in (
            ("ADD", "a + b"), ("SUBTRACT", "a - b"), ("MULTIPLY", "a * b"), ("TRUE_DIVIDE", "a / b"),
            ("FLOOR_DIVIDE", "a // b"), ("MODULO", "a % b"), ("POWER", "a ** b"), ("MATRIX_MULTIPLY", "a @ b"),
            ("LSHIFT", "a << b"), ("RSHIFT", "a >> b"), ("AND", "a & b"), ("OR", "a | b"), ("XOR", "a ^ b"),
        )
    },
    # comparison
    "COMPARE_OP": ("comparison", "pop two values, push the result of comparing them with `{argrepr}`"),
    "IS_OP": ("comparison", lambda f: f"pop two values, push `a {'is not' if f['arg'] else 'is'} b`"),
    "CONTAINS_OP": ("comparison", lambda f: f"pop two values, push `a {'not in' if f['arg'] else 'in'} b`"),
    # control flow
    "JUMP_FORWARD": ("control_flow", "jump forward to {target}"),
    "JUMP_BACKWARD": ("control_flow", "jump back to {target} (checking for interrupts)"),
    "JUMP_BACKWARD_NO_INTERRUPT": ("control_flow", "jump back to {target}"),
    "JUMP_ABSOLUTE": ("control_flow", "jump to {target}"),
    "JUMP": ("control_flow", "jump to {target}"),
    "JUMP_NO_INTERRUPT": ("control_flow", "jump to {target}"),
    "POP_JUMP_IF_FALSE": ("control_flow", _JUMP_IF % "false"),
    "POP_JUMP_IF_TRUE": ("control_flow", _JUMP_IF % "true"),
    "POP_JUMP_IF_NONE": ("control_flow", _JUMP_IF % "None"),
    "POP_JUMP_IF_NOT_NONE": ("control_flow", _JUMP_IF % "not None"),
    "POP_JUMP_FORWARD_IF_FALSE": ("control_flow", _JUMP_IF % "false"),
    "POP_JUMP_FORWARD_IF_TRUE": ("control_flow", _JUMP_IF % "true"),
    "POP_JUMP_FORWARD_IF_NONE": ("control_flow", _JUMP_IF % "None"),
    "POP_JUMP_FORWARD_IF_NOT_NONE": ("control_flow", _JUMP_IF % "not None"),
    "POP_JUMP_BACKWARD_IF_FALSE": ("control_flow", _JUMP_IF % "false"),
    "POP_JUMP_BACKWARD_IF_TRUE": ("control_flow", _JUMP_IF % "true"),
    "POP_JUMP_BACKWARD_IF_NONE": ("control_flow", _JUMP_IF % "None"),
    "POP_JUMP_BACKWARD_IF_NOT_NONE": ("control_flow", _JUMP_IF % "not None"),
    "JUMP_IF_FALSE_OR_POP": ("control_flow", _JUMP_OR_POP % "false"),
    "JUMP_IF_TRUE_OR_POP": ("control_flow", _JUMP_OR_POP % "true"),
    # 3.14 compiler pseudo-instructions: dis lists them, the final bytecode never holds them.
    "JUMP_IF_FALSE": ("control_flow", "jump to {target} if the top of the stack is false, keeping it"),
    "JUMP_IF_TRUE": ("control_flow", "jump to {target} if the top of the stack is true, keeping it"),
    "NOT_TAKEN": ("control_flow", "do nothing: marks the branch not taken, for sys.monitoring's BRANCH_LEFT/RIGHT"),
    "RETURN_VALUE": ("control_flow", "return the top of the stack to the caller"),
    "RETURN_CONST": ("control_flow", "return constant {argrepr} to the caller"),
    # call
    "CALL": ("call", _call),
    "CALL_KW": ("call", _call_kw),
    "CALL_FUNCTION": ("call", lambda f: f"call with {_plural(f['arg'], 'positional argument')}; push the result"),
    "CALL_METHOD": ("call", lambda f: f"call a method with {_plural(f['arg'], 'positional argument')}; push result"),
    "CALL_FUNCTION_KW": ("call", _call_kw),
    "CALL_FUNCTION_EX": ("call", _call_function_ex),
    "PRECALL": ("call", "prepare a call with {arg} arguments (no-op unless specialised)"),
    "KW_NAMES": ("call", "name the last keyword arguments of the next call {argrepr}"),
    "CALL_INTRINSIC_1": ("call", "apply the internal function {argrepr} to the top of the stack"),
    "CALL_INTRINSIC_2": ("call", "apply the internal function {argrepr} to the top two values"),
    "EXIT_INIT_CHECK": ("call", "check that `__init__` returned None; pop it"),
    # function and class construction
    "MAKE_FUNCTION": ("function", _make_function),
    "SET_FUNCTION_ATTRIBUTE": ("function", "pop a value and set it as the function's {argrepr}"),
    "LOAD_BUILD_CLASS": ("function", "push `builtins.__build_class__`"),
    "SETUP_ANNOTATIONS": ("function", "create `__annotations__` in the current namespace if missing"),
    # containers
    "BUILD_TUPLE": ("container", _build("tuple")),
    "BUILD_LIST": ("container", _build("list")),
    "BUILD_SET": ("container", _build("set")),
    "BUILD_MAP": ("container", lambda f: f"pop {_plural(f['arg'], 'key/value pair')}, push them as a dict"),
    "BUILD_CONST_KEY_MAP": ("container", "pop {arg} values and a tuple of keys, push them as a dict"),
    "LIST_APPEND": ("container", "pop a value and append it to the list {arg} below"),
    "SET_ADD": ("container", "pop a value and add it to the set {arg} below"),
    "MAP_ADD": ("container", "pop a key and value and add them to the dict {arg} below"),
    "LIST_EXTEND": ("container", "pop an iterable and extend the list {arg} below with it"),
    "SET_UPDATE": ("container", "pop an iterable and update the set {arg} below with it"),
    "DICT_UPDATE": ("container", "pop a mapping and update the dict {arg} below with it"),
    "DICT_MERGE": ("container", "pop a mapping and merge it into the dict {arg} below, rejecting duplicate keys"),
    "LIST_TO_TUPLE": ("container", "replace the list on top of the stack with a tuple"),
    "UNPACK_SEQUENCE": ("container", "pop a sequence, push its {arg} items (first item on top)"),
    "UNPACK_EX": ("container", lambda f: f"pop an iterable, push {f['arg'] & 0xFF} leading items, a list of the rest "
                  f"and {f['arg'] >> 8} trailing items"),
    # string formatting
    "FORMAT_VALUE": ("format", _format_value),
    "FORMAT_SIMPLE": ("format", "format the value on top of the stack with `format(x)`"),
    "FORMAT_WITH_SPEC": ("format", "pop a value and a format spec, push `format(value, spec)`"),
    "CONVERT_VALUE": ("format", "convert the top of the stack with {argrepr}() for an f-string"),
    "BUILD_STRING": ("format", "pop {arg} strings, push their concatenation"),
    "BUILD_INTERPOLATION": ("format", _build_interpolation),
    "BUILD_TEMPLATE": ("format", "pop a tuple of strings and a tuple of interpolations, push a t-string Template"),
    # iteration
    "GET_ITER": ("iteration", "replace the top of the stack with `iter(x)`"),
    "FOR_ITER": ("iteration", "push the next item of the iterator on top; when it is exhausted, jump to {target}"),
    "END_FOR": ("iteration", "end a for loop: pop the exhausted iterator's sentinel"),
    "POP_ITER": ("iteration", "end a for loop: pop the exhausted iterator"),
    "GET_LEN": ("iteration", "push `len()` of the top of the stack"),
    # exceptions
    "SETUP_FINALLY": ("exception", "enter a try block whose handler is {target}"),
    "SETUP_CLEANUP": ("exception", "enter a cleanup block whose handler is {target}"),
    "POP_BLOCK": ("exception", "leave the innermost try block"),
    "PUSH_EXC_INFO": ("exception", "make the raised exception the one being handled, saving the previous one"),
    "POP_EXCEPT": ("exception", "restore the previously handled exception"),
    "CHECK_EXC_MATCH": ("exception", "push whether the exception below matches the type on top of the stack"),
    "CHECK_EG_MATCH": ("exception", "split the exception group by the type on top (`except*`)"),
    "PREP_RERAISE_STAR": ("exception", "combine the exceptions raised and re-raised in `except*` handlers"),
    "JUMP_IF_NOT_EXC_MATCH": ("exception", "pop two values; jump to {target} unless the exception matches the type"),
    "RAISE_VARARGS": ("exception", _raise),
    "RERAISE": ("exception", "re-raise the exception on top of the stack"),
    "CLEANUP_THROW": ("exception", "handle an exception thrown into a `yield from` / `await`"),
    # context managers
    "SETUP_WITH": ("context_manager", "enter a context manager; its exit handler is {target}"),
    "SETUP_ASYNC_WITH": ("context_manager", "set up an `async with` block whose exit handler is {target}"),
    "BEFORE_WITH": ("context_manager", "push the context manager's `__exit__` and the result of `__enter__()`"),
    "BEFORE_ASYNC_WITH": ("context_manager", "push the `__aexit__` and the awaitable of `__aenter__()`"),
    "WITH_EXCEPT_START": ("context_manager", "call `__exit__` with the exception being handled"),
    "LOAD_SPECIAL": ("context_manager", "replace the object on top of the stack with its `{argrepr}` method and self"),
    # generators and async
    "GEN_START": ("generator", "start a generator: pop the initial sent value"),
    "RETURN_GENERATOR": ("generator", "create the generator, coroutine or async generator and return it"),
    "YIELD_VALUE": ("generator", "yield the top of the stack; push the value sent in on resumption"),
    "YIELD_FROM": ("generator", "delegate to the iterator below the top (`yield from` / `await`)"),
    "SEND": ("generator", "send the top of the stack into the sub-iterator; jump to {target} when it returns"),
    "END_SEND": ("generator", "pop the sub-iterator below the returned value"),
    "GET_AWAITABLE": ("generator", "replace the top of the stack with its awaitable"),
    "GET_AITER": ("generator", "replace the top of the stack with `aiter(x)`"),
    "GET_ANEXT": ("generator", "push the awaitable of `anext()` of the async iterator on top of the stack"),
    "END_ASYNC_FOR": ("generator", "end an `async for` loop on StopAsyncIteration"),
    "GET_YIELD_FROM_ITER": ("generator", "replace the top of the stack with the iterator to `yield from`"),
    "ASYNC_GEN_WRAP": ("generator", "wrap the value to yield from an async generator"),
    # imports
    "IMPORT_NAME": ("import", "pop fromlist and level, import module `{argrepr}` and push it"),
    "IMPORT_FROM": ("import", "push attribute `{argrepr}` of the module on top of the stack"),
    "IMPORT_STAR": ("import", "pop a module and import all its public names (`from m import *`)"),
    # pattern matching
    "MATCH_CLASS": ("pattern", "match the subject against a class pattern with {arg} positional sub-patterns"),
    "MATCH_MAPPING": ("pattern", "push whether the subject is a mapping"),
    "MATCH_SEQUENCE": ("pattern", "push whether the subject is a sequence"),
    "MATCH_KEYS": ("pattern", "push the values of the subject for the keys on top, or None"),
    "COPY_DICT_WITHOUT_KEYS": ("pattern", "replace the keys on top with a copy of the subject without them"),
    # stack manipulation
    "POP_TOP": ("stack", "discard the top of the stack"),
    "PUSH_NULL": ("stack", "push NULL (marks a call without self)"),
    "COPY": ("stack", "push a copy of the item {arg} from the top"),
    "SWAP": ("stack", "swap the top of the stack with the item {arg} from the top"),
    "DUP_TOP": ("stack", "duplicate the top of the stack"),
    "DUP_TOP_TWO": ("stack", "duplicate the top two items of the stack"),
    "ROT_TWO": ("stack", "swap the top two items"),
    "ROT_THREE": ("stack", "move the top item down to third place"),
    "ROT_FOUR": ("stack", "move the top item down to fourth place"),
    "ROT_N": ("stack", "move the top item down to position {arg}"),
    "PRINT_EXPR": ("stack", "pop and display the value (interactive mode)"),
    # internal
    "NOP": ("internal", "do nothing (holds a line number)"),
    "RESUME": ("internal", "check for interrupts and tracing at the start of the frame or after a yield"),
    "EXTENDED_ARG": ("internal", "extend the next instruction's argument with {arg}"),
    "CACHE": ("internal", "inline cache for the adaptive interpreter"),
    "RESERVED": ("internal", "reserved opcode (never executed)"),
    "INTERPRETER_EXIT": ("internal", "leave the interpreter loop"),
    "ENTER_EXECUTOR": ("internal", "run an optimised trace"),
    "ANNOTATIONS_PLACEHOLDER": ("internal", "where the annotations function goes (compiler pseudo-instruction)"),
}
