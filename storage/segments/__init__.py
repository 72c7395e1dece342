"""Audience rules in the database: JSON-Logic over ``customer.*`` translated to SQL (push-down),
with the same answers as ``engine.rules``, and batch facts for evaluating in Python instead.

Public API: ``translate`` → ``Translation(where, errors)``, ``NotPushable`` (``reason``, ``path``),
``customer_batches`` (facts dicts as ``facts.customer`` builds them), ``FIELD_KEYS``.
"""

from storage.segments.fields import KEYS as FIELD_KEYS
from storage.segments.profiles import customer_batches
from storage.segments.translate import Translation, reads_customer, translate
from storage.segments.values import NotPushable

__all__ = ["FIELD_KEYS", "NotPushable", "Translation", "customer_batches", "reads_customer", "translate"]
