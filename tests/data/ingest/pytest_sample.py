import pytest

@pytest.mark.benchmark(group="parse")
@pytest.mark.parametrize("size", [10, 100])
def test_parse(benchmark, size):
    benchmark(lambda: sorted(range(size, 0, -1)))

@pytest.mark.benchmark(group="render")
def test_render(benchmark):
    benchmark(lambda: "x" * 1000)
