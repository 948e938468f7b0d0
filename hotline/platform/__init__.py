"""What no capability owns: the connections and ports every part of a call's life shares."""
