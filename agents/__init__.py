"""The only layer that touches Kafka, Faust and Prometheus."""
