"""The worker's timers: the two delivery loops the descriptor starts (:func:`..descriptor.timers`).

- :mod:`.webhooks`: claims due webhook deliveries and POSTs them, signed, to checked addresses;
- :mod:`.mail`: queues the mail of pending summaries, then claims due mail and sends it.

Their bells (what queues their work rings) are named in :mod:`.bells`.
"""
