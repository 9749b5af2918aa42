"""The index's arrays are read without numpy: exactly what numpy wrote, and nothing else."""
import numpy as np
import pytest

from qa import npy


@pytest.mark.parametrize("values", [np.arange(7, dtype=np.int32),
                                    np.arange(-3, 5, dtype=np.int64) * 10**12,
                                    np.array([0.5, -1e-300, 3.25]),
                                    np.zeros(0, np.int64)])
def test_reads_back_what_numpy_saved(tmp_path, values):
    np.save(tmp_path / "a.npy", values)
    view = npy.load(tmp_path / "a.npy")
    assert view.tolist() == values.tolist()
    assert np.frombuffer(view, view.format).dtype == values.dtype  # numpy can share it


@pytest.mark.parametrize("array", [np.array([{"a": 1}], dtype=object),  # would need pickle
                                   np.zeros((2, 2)),                     # not one dimension
                                   np.zeros(3, np.float32),              # not a type we write
                                   np.zeros(3, ">i4")])                  # big-endian
def test_refuses_arrays_the_index_never_writes(tmp_path, array):
    np.save(tmp_path / "a.npy", array, allow_pickle=True)
    with pytest.raises(npy.NpyError, match="a.npy"):
        npy.load(tmp_path / "a.npy")


def test_refuses_a_truncated_or_foreign_file(tmp_path):
    np.save(tmp_path / "a.npy", np.arange(100, dtype=np.int64))
    data = (tmp_path / "a.npy").read_bytes()
    (tmp_path / "a.npy").write_bytes(data[:-8])
    with pytest.raises(npy.NpyError, match="size"):
        npy.load(tmp_path / "a.npy")
    (tmp_path / "a.npy").write_bytes(b"PK\x03\x04 not numpy at all")
    with pytest.raises(npy.NpyError, match="not an .npy file"):
        npy.load(tmp_path / "a.npy")
