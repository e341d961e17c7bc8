using System.Diagnostics;

namespace Condense.Workflows.Bench;

/// <summary>How the benches time a call: best wall and best process CPU seconds over repeated runs.</summary>
public static class BenchTiming
{
    /// <summary>The last result, the best wall time and the best process CPU time over <paramref name="repeat"/> runs (CPU time is the fairer figure on a shared machine); <paramref name="collect"/> runs a full GC before each.</summary>
    public static (T Result, double Seconds, double CpuSeconds) Best<T>(int repeat, Func<T> f, bool collect = true)
    {
        T r = default!;
        double best = double.PositiveInfinity, bestCpu = double.PositiveInfinity;
        var process = Process.GetCurrentProcess();
        for (int i = 0; i < repeat; i++)
        {
            if (collect) GC.Collect();
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            r = f();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
            process.Refresh();
            bestCpu = Math.Min(bestCpu, (process.TotalProcessorTime - cpu0).TotalSeconds);
        }
        return (r, best, bestCpu);
    }
}
