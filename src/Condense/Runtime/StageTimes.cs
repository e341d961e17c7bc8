using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Condense.Runtime;

/// <summary>
/// Wall time spent per named stage, summed over threads and calls, so a slow workflow can be
/// profiled on the user's own model before anyone guesses (analysis: capture, XᵀX, GPTQ, k-means,
/// cond₁, output runs). Off unless <c>CONDENSE_PROFILE=1</c>: then each workflow that uses it
/// prints <see cref="Summary"/> with its progress lines. Thread-safe; costs one dictionary update
/// per measured call when on, nothing when off.
/// </summary>
public static class StageTimes
{
    static readonly ConcurrentDictionary<string, (long Ticks, int Calls)> times = new(StringComparer.Ordinal);

    /// <summary>Whether stages are timed (<c>CONDENSE_PROFILE=1</c>).</summary>
    public static bool Enabled { get; set; } = Environment.GetEnvironmentVariable("CONDENSE_PROFILE") == "1";

    /// <summary>Times the scope until disposed (nothing when off).</summary>
    public static Scope Measure(string stage) => new(Enabled ? stage : null);

    /// <summary>Forgets every stage's time.</summary>
    public static void Reset() => times.Clear();

    /// <summary>"stage: seconds (calls)" for every stage, slowest first.</summary>
    public static string Summary() => string.Join("; ", times.OrderByDescending(t => t.Value.Ticks)
        .Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Key} {t.Value.Ticks / (double)Stopwatch.Frequency:0.00} s ({t.Value.Calls})")));

    /// <summary>One timed stage.</summary>
    public readonly struct Scope : IDisposable
    {
        readonly string? stage;
        readonly long start;

        internal Scope(string? stage)
        {
            this.stage = stage;
            start = stage is null ? 0 : Stopwatch.GetTimestamp();
        }

        /// <summary>Stops the stage's clock and adds its time.</summary>
        public void Dispose()
        {
            if (stage is null) return;
            var elapsed = Stopwatch.GetTimestamp() - start;
            times.AddOrUpdate(stage, (elapsed, 1), (_, t) => (t.Ticks + elapsed, t.Calls + 1));
        }
    }
}
