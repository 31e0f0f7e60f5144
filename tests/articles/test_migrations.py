"""Renamed migrations stay applied on databases that ran them under their old names."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

pytestmark = pytest.mark.django_db


def test_listing_indexes_applied_under_their_old_name_are_not_run_again():
    recorder = MigrationRecorder(connection)
    recorder.record_unapplied("articles", "0006_listing_indexes")
    recorder.record_applied("articles", "0006_bench_indexes")
    executor = MigrationExecutor(connection)
    assert ("articles", "0006_listing_indexes") in executor.loader.applied_migrations
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
