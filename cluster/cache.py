"""A Redis cache that an absent Redis does not turn into server errors."""

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

REDIS_UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


def _unless_unreachable(answer):
    """Run the method; if Redis cannot be reached, log one line and return `answer()`."""
    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except REDIS_UNREACHABLE as error:
                logger.warning("Cache Redis injoignable, %s répond comme un cache vide : %s",
                               method.__name__, error)
                return answer(*args, **kwargs)
        return wrapper
    return decorate


def _missing_key(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found.")


class TolerantRedisCache(RedisCache):
    """Django's Redis cache that behaves as an empty cache while Redis is unreachable.

    Reads find nothing (get → default, get_many → {}, has_key → False), writes are accepted
    and dropped (set/add/touch → False, delete → False, set_many → every key failed,
    clear → nothing), incr raises ValueError as for a missing key. Each failed call logs one
    warning, without a traceback.

    The cache only holds rate-limit counters (event sign-ups, password resets), so during an
    outage those limits fail open: the request goes through uncounted. That is a choice —
    a page must never answer 500 because a counter is unreachable, and the limit that guards
    accounts, sign-in throttling (django-axes), keeps counting in the database. Only redis'
    ConnectionError and TimeoutError are caught: any other error still surfaces.
    """

    get = _unless_unreachable(lambda key, default=None, version=None: default)(RedisCache.get)
    get_many = _unless_unreachable(lambda *args, **kwargs: {})(RedisCache.get_many)
    has_key = _unless_unreachable(lambda *args, **kwargs: False)(RedisCache.has_key)
    set = _unless_unreachable(lambda *args, **kwargs: False)(RedisCache.set)
    add = _unless_unreachable(lambda *args, **kwargs: False)(RedisCache.add)
    touch = _unless_unreachable(lambda *args, **kwargs: False)(RedisCache.touch)
    delete = _unless_unreachable(lambda *args, **kwargs: False)(RedisCache.delete)
    set_many = _unless_unreachable(lambda data, *args, **kwargs: list(data))(RedisCache.set_many)
    delete_many = _unless_unreachable(lambda *args, **kwargs: None)(RedisCache.delete_many)
    incr = _unless_unreachable(_missing_key)(RedisCache.incr)
    clear = _unless_unreachable(lambda *args, **kwargs: None)(RedisCache.clear)
