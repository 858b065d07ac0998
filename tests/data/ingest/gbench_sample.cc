#include <benchmark/benchmark.h>
#include <cmath>
#include <string>
static void BM_StringCopy(benchmark::State& state) {
  std::string x(state.range(0), 'x');
  for (auto _ : state) { std::string y = x; benchmark::DoNotOptimize(y); }
  state.SetBytesProcessed(state.iterations() * state.range(0));
  state.counters["ratio"] = std::nan("");
  state.counters["rate"] = benchmark::Counter(1, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_StringCopy)->Arg(8)->Arg(64);
static void BM_Fail(benchmark::State& state) {
  for (auto _ : state) { state.SkipWithError("no fixture"); break; }
}
BENCHMARK(BM_Fail);
BENCHMARK_MAIN();
