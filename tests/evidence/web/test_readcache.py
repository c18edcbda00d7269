"""The kept answers of one process (``evidence.web.readcache``), without a server."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from evidence.web.readcache import Encoded, ReadCache


def test_a_body_is_given_back_only_under_the_stamp_it_was_kept_at() -> None:
    cache = ReadCache()
    body = Encoded.of(b'{"id": 1}')
    cache.put((1, 1000, 0), "stamp-a", body)
    assert cache.get((1, 1000, 0), "stamp-a") is body
    assert cache.get((1, 1000, 0), "stamp-b") is None
    assert cache.get((1, 10, 0), "stamp-a") is None


def test_a_new_stamp_replaces_the_old_body() -> None:
    cache = ReadCache()
    cache.put("k", "old", Encoded.of(b"before"))
    cache.put("k", "new", Encoded.of(b"after"))
    found = cache.get("k", "new")
    assert found is not None and found.body == b"after"
    assert cache.get("k", "old") is None
    assert len(cache) == 1


def test_the_least_recently_read_go_first_past_the_size() -> None:
    cache = ReadCache(max_bytes=30)
    for key in "abc":
        cache.put(key, "s", Encoded.of(key.encode() * 10))  # 10 bytes each: full
    cache.get("a", "s")  # read: b is now the least recently read
    cache.put("d", "s", Encoded.of(b"d" * 10))
    assert [k for k in "abcd" if cache.get(k, "s") is not None] == ["a", "c", "d"]


def test_a_body_over_the_entry_limit_is_not_kept() -> None:
    cache = ReadCache(max_bytes=100, max_entry=10)
    cache.put("big", "s", Encoded.of(b"x" * 11))
    assert cache.get("big", "s") is None and len(cache) == 0


def test_the_tag_names_the_body() -> None:
    one, same, other = Encoded.of(b"a"), Encoded.of(b"a"), Encoded.of(b"b")
    assert one.etag == same.etag != other.etag
    assert one.etag.startswith('"') and one.etag.endswith('"')


def test_threads_putting_and_getting_at_once_keep_the_size_right() -> None:
    cache = ReadCache(max_bytes=1000)

    def work(n: int) -> None:
        for i in range(200):
            cache.put((n, i % 20), f"s{i}", Encoded.of(b"y" * 50))
            cache.get((n, i % 20), f"s{i}")

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(work, range(8)))
    kept = [cache.get((n, i), "s" + str(j)) for n in range(8) for i in range(20)
            for j in range(180, 200)]
    assert len(cache) == 20  # 1000 bytes / 50
    assert sum(k is not None for k in kept) == 20
