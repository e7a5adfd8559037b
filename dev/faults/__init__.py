"""The fault suite (`make faults`): crashes, graceful restarts, a broker restart and malformed
input against real workers on a real broker, with every produced event accounted for; and the
fault-injection helpers it uses (malformed records, raw producers)."""
