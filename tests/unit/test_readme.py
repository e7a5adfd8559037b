"""The README's examples stay true."""

import re
from pathlib import Path

from service.policy import load_policy

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_the_readme_begins_with_the_two_setup_commands() -> None:
    first_block = README.split("```sh\n", 1)[1].split("```", 1)[0]

    assert first_block.splitlines()[0].startswith("make run")
    assert first_block.splitlines()[1].startswith("make test")


def test_the_readme_example_ruleset_is_valid() -> None:
    [example] = re.findall(r"```yaml\n(version:.*?)```", README, flags=re.DOTALL)

    policy = load_policy(example, "README.md")

    assert [rule.id for rule in policy.ruleset.rules] == ["not-sales-ready", "transactional"]
