"""The upload guard: only file ids the server issued, and a session (and the server) holds a bounded number of
uploaded bytes, refused before the body is read."""

import asyncio

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.uploaded_file_manager import UploadedFileRec

from dashboard.web import upload_guard
from dashboard.web.upload_guard import MB, Ledger, UploadGuard, refusal

LIMITS = {"session_bytes": 20 * MB, "total_bytes": 256 * MB}


def _app(manager: MemoryUploadedFileManager, *, total_bytes: int = 256 * MB) -> tuple[UploadGuard, list[int]]:
    """Streamlit's upload route in miniature (stores the body under the path's ids) behind the guard."""
    bodies_read: list[int] = []

    async def put(request: Request) -> Response:
        data = await request.body()
        bodies_read.append(len(data))
        rec = UploadedFileRec(file_id=request.path_params["file_id"], name="f", type="application/pdf", data=data)
        manager.add_file(request.path_params["session_id"], rec)
        return Response(status_code=204)

    inner = Starlette(routes=[Route("/_stcore/upload_file/{session_id}/{file_id}", put, methods=["PUT"])])
    return UploadGuard(inner, total_bytes=total_bytes, ledger=Ledger(manager)), bodies_read


def _put(guard: UploadGuard, url: str, size: int) -> int:
    async def go() -> int:
        transport = httpx.ASGITransport(app=guard)
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
            return (await client.put(url, content=b"x" * size)).status_code

    return asyncio.run(go())


@pytest.fixture
def manager(monkeypatch: pytest.MonkeyPatch) -> MemoryUploadedFileManager:
    monkeypatch.setattr(upload_guard, "session_limit", lambda: 20 * MB)
    return MemoryUploadedFileManager("/_stcore/upload_file")


def test_a_file_id_the_server_never_issued_is_refused_without_reading_the_body(
    manager: MemoryUploadedFileManager,
) -> None:
    guard, bodies = _app(manager)
    assert _put(guard, "/_stcore/upload_file/s1/made-up", MB) == 404
    assert bodies == [] and manager.file_storage == {}


def test_an_issued_file_id_is_accepted_and_only_for_its_own_session(manager: MemoryUploadedFileManager) -> None:
    guard, _ = _app(manager)
    url = manager.get_upload_urls("s1", ["a.pdf"])[0].upload_url
    assert _put(guard, url, 2 * MB) == 204
    assert _put(guard, url.replace("/s1/", "/s2/"), 2 * MB) == 404


def test_a_session_holds_at_most_two_largest_files_and_replacing_one_is_not_counted_twice(
    manager: MemoryUploadedFileManager,
) -> None:
    guard, bodies = _app(manager)
    first, second, third = (info.upload_url for info in manager.get_upload_urls("s1", ["a", "b", "c"]))
    assert _put(guard, first, 10 * MB) == 204
    assert _put(guard, first, 10 * MB) == 204  # the same file again replaces it
    assert _put(guard, second, 10 * MB) == 204
    assert _put(guard, third, 1) == 413
    assert len(bodies) == 3
    manager.remove_file("s1", "x")  # an unknown file: nothing changes
    manager.remove_file("s1", first.rsplit("/", 1)[1])
    assert _put(guard, third, MB) == 204


def test_all_sessions_together_stay_under_the_server_cap(manager: MemoryUploadedFileManager) -> None:
    guard, _ = _app(manager, total_bytes=25 * MB)
    urls = [manager.get_upload_urls(f"s{n}", ["a"])[0].upload_url for n in range(3)]
    assert [_put(guard, url, 10 * MB) for url in urls] == [204, 204, 503]


def test_a_closed_session_forgets_its_ids_and_frees_its_bytes(manager: MemoryUploadedFileManager) -> None:
    guard, _ = _app(manager)
    url = manager.get_upload_urls("s1", ["a"])[0].upload_url
    assert _put(guard, url, MB) == 204
    manager.remove_session_files("s1")
    assert guard.ledger().held() == 0
    assert _put(guard, url, MB) == 404


def test_other_requests_pass_untouched(manager: MemoryUploadedFileManager) -> None:
    guard, _ = _app(manager)
    assert _put(guard, "/_stcore/health", 10) == 404  # the inner app's own answer: no such route


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"issued": False, "incoming": 1, "session_held": 0, "all_held": 0}, 404),
        ({"issued": True, "incoming": None, "session_held": 0, "all_held": 0}, 411),
        ({"issued": True, "incoming": 10 * MB + 1, "session_held": 10 * MB, "all_held": 10 * MB}, 413),
        ({"issued": True, "incoming": MB, "session_held": 0, "all_held": 256 * MB}, 503),
        ({"issued": True, "incoming": 10 * MB, "session_held": 10 * MB, "all_held": 100 * MB}, None),
    ],
)
def test_refusal(kwargs: dict, status: int | None) -> None:
    why = refusal(**kwargs, **LIMITS)
    assert (why[0] if why else None) == status


def test_streamlit_still_keeps_uploads_where_the_guard_reads_them() -> None:
    """The guard reads ``file_storage`` and wraps two methods of Streamlit's in-memory manager."""
    manager = MemoryUploadedFileManager("/_stcore/upload_file")
    manager.add_file("s", UploadedFileRec(file_id="f", name="n", type="t", data=b"abc"))
    assert Ledger(manager).held("s") == 3
    assert callable(manager.get_upload_urls) and callable(manager.remove_session_files)
