"""Settings for a scheduler subprocess in tests: the project's, ticking every second.

``newsletter_tick`` starts the editions whose time has come, so whether the
scheduler's turns still work shows from outside, in the editions' status.
"""

from newsroom.settings import *  # noqa: F403

SCHEDULED_COMMANDS = [("newsletter_tick", 1)]
