"""The background event loop and the bridge from script threads to it.

Knows nothing of protocols or Streamlit: it runs coroutines on one loop thread and lets any
thread follow an append-only log with short timed waits.
"""

from switchboard.runtime.log import EventLog
from switchboard.runtime.loop import Runtime, RuntimeClosedError

__all__ = ["EventLog", "Runtime", "RuntimeClosedError"]
