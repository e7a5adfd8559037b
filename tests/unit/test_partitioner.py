"""The producer's partitioner: Kafka's default one, with each key's hash remembered."""

from aiokafka.partitioner import DefaultPartitioner

from agents.plumbing.partitioner import keyed_partition, remembering_partitioner


def test_a_key_goes_to_the_partition_kafkas_default_partitioner_gives_it() -> None:
    default = DefaultPartitioner()
    for count in (1, 4, 6, 12):
        partitions = list(range(count))
        for n in range(100):
            key = f"email:lead{n}@acme.com".encode()
            expected = default(key, partitions, partitions)
            assert remembering_partitioner(key, partitions, partitions) == expected
            assert keyed_partition(key, count) == expected


def test_a_record_without_a_key_goes_to_an_available_partition() -> None:
    for _ in range(50):
        assert remembering_partitioner(None, [0, 1, 2, 3], [1, 3]) in (1, 3)
    assert remembering_partitioner(None, [0, 1], []) in (0, 1)
