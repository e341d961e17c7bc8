namespace Condense.Cli.Bench;

/// <summary>
/// The machine's 1, 5 and 15-minute load averages (/proc/loadavg), which every timed figure is
/// printed beside: on a shared machine a time means little without the load it was taken under.
/// </summary>
static class LoadAverages
{
    /// <summary>The three load averages as /proc/loadavg writes them, or null where it cannot be read.</summary>
    public static string[]? Read()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ').Take(3).ToArray(); }
        catch (IOException) { return null; }
    }

    /// <summary>The 1-minute load average, or null where it cannot be read.</summary>
    public static string? OneMinute() => Read()?[0];
}
