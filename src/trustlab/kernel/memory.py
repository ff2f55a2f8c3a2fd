"""Memory layout helpers for kernels bound by random accesses (the society's relationship slots).

Two tools, neither of which changes a single result:

* :func:`aligned_zeros` — a zeroed array whose data starts on a cache-line boundary. NumPy's
  large allocations start 16 bytes past a page boundary, so a 64-byte record would straddle two
  cache lines: every random visit would fetch two lines, and two threads writing neighbouring
  records would share one.
* :func:`prefetch` — ask the processor to start fetching one record's cache line now, while the
  kernel works on something else (an LLVM ``prefetch`` hint: no load, no fault, no result);
  :func:`prefetch_read` does the same for one element of a vector that is only read.
"""

# numba's code-generation helpers are untyped.
# mypy: disable-error-code="no-untyped-call,no-any-return"
from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

__all__ = ["CACHE_LINE", "aligned_zeros", "prefetch", "prefetch_read"]

CACHE_LINE = 64


def aligned_zeros(shape: tuple[int, ...], dtype: Any, align: int = CACHE_LINE) -> np.ndarray:
    """A C-contiguous zeroed array of ``shape`` and ``dtype`` whose data starts at a multiple
    of ``align`` bytes.

    Examples
    --------
    >>> a = aligned_zeros((1000, 8, 16), np.int32)
    >>> a.ctypes.data % 64, a.shape, int(a.sum()), a.flags.c_contiguous
    (0, (1000, 8, 16), 0, True)
    """
    dt = np.dtype(dtype)
    nbytes = int(np.prod(shape, dtype=np.int64)) * dt.itemsize
    buf = np.zeros(nbytes + align, dtype=np.uint8)
    start = (-buf.ctypes.data) % align
    return buf[start : start + nbytes].view(dt).reshape(shape)


def _emit_prefetch(
    context: Any, builder: Any, aryty: Any, ary_val: Any, idx: list[Any], write: int
) -> Any:
    """Emit LLVM's ``prefetch`` of the element ``idx`` (intp values) of an array."""
    ary = context.make_array(aryty)(context, builder, ary_val)
    ptr = cgutils.get_item_pointer(context, builder, aryty, ary, idx, wraparound=False)
    byte_ptr = ir.IntType(8).as_pointer()
    i32 = ir.IntType(32)
    fnty = ir.FunctionType(ir.VoidType(), [byte_ptr, i32, i32, i32])
    fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.prefetch.p0i8")
    # (address, 1 = for writing / 0 = for reading, 3 = keep in all cache levels, 1 = data)
    builder.call(fn, [builder.bitcast(ptr, byte_ptr), i32(write), i32(3), i32(1)])
    return context.get_dummy_value()


@intrinsic
def _prefetch(typingctx: Any, arr: Any, i: Any, s: Any) -> Any:
    """``prefetch(arr, i, s)`` in a compiled kernel: start fetching the cache line of
    ``arr[i, s, 0]`` (``arr`` 3-D, ``i`` and ``s`` valid, non-negative indices) for writing."""
    if not isinstance(arr, types.Array) or arr.ndim != 3:
        return None
    if not isinstance(i, types.Integer) or not isinstance(s, types.Integer):
        return None
    sig = types.void(arr, i, s)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        idx = [
            context.cast(builder, args[1], signature.args[1], types.intp),
            context.cast(builder, args[2], signature.args[2], types.intp),
            context.get_constant(types.intp, 0),
        ]
        return _emit_prefetch(context, builder, signature.args[0], args[0], idx, 1)

    return sig, codegen


@intrinsic
def _prefetch_read(typingctx: Any, arr: Any, i: Any) -> Any:
    """``prefetch_read(arr, i)`` in a compiled kernel: start fetching the cache line of
    ``arr[i]`` (``arr`` 1-D, ``i`` a valid, non-negative index) for reading."""
    if not isinstance(arr, types.Array) or arr.ndim != 1 or not isinstance(i, types.Integer):
        return None
    sig = types.void(arr, i)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        idx = [context.cast(builder, args[1], signature.args[1], types.intp)]
        return _emit_prefetch(context, builder, signature.args[0], args[0], idx, 0)

    return sig, codegen


prefetch = cast(Callable[[np.ndarray, int, int], None], _prefetch)
prefetch_read = cast(Callable[[np.ndarray, int], None], _prefetch_read)
