"""Django's Redis cache backend, with one ``redis.Redis`` client per connection pool.

Django's client builds a new ``redis.Redis`` for every cache call, and each
one copies redis-py's table of ~160 response callbacks: about 0.1 ms per
call, which was a third of the time a cached page took to serve. A
``redis.Redis`` over a connection pool is safe to share between threads, so
one per pool is kept and reused; everything else is Django's own backend.
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class RedisCache(django_redis.RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with the client above."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
