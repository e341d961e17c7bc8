namespace Condense.Studio;

/// <summary>
/// How the Studio listens and what it accepts. Defaults keep it a private, local tool:
/// loopback only, uploads capped, a bounded cache. Each setting is checked when it is set (initialiser or
/// <c>with</c>), so options that exist are valid and the host has nothing to remember to check.
/// </summary>
public sealed record StudioOptions
{
    /// <summary>TCP port, 0…65535; 0 picks a free one (the tests use that). Default 5000.</summary>
    public int Port { get; init => field = CheckPort(value); } = 5000;

    /// <summary>
    /// Address to bind. Default 127.0.0.1: the Studio runs user-chosen computations and accepts
    /// uploads, so it is not offered to the network unless someone asks for it by name.
    /// </summary>
    public string Host { get; init => field = CheckHost(value); } = "127.0.0.1";

    /// <summary>
    /// Largest accepted upload in bytes (1 KiB … 2 GiB); larger ones get 413. Default 256 MiB: a
    /// ResNet or a small transformer in ONNX. Models and data are streamed to a file, not held in one array.
    /// </summary>
    public long MaxUploadBytes { get; init => field = CheckUpload(value); } = 256L * 1024 * 1024;

    /// <summary>
    /// Folder for computed artefacts that outlive a run (the Studio's trained autoencoder).
    /// Default: <c>$XDG_CACHE_HOME/condense/studio</c> or <c>~/.cache/condense/studio</c>.
    /// </summary>
    public string? CacheDirectory { get; init; }

    /// <summary>Seed for every random choice the Studio makes (training, generated matrices).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// Solve ahead of the reader on background threads, so slider steps are look-ups: page 3's
    /// 6 distributions × 8 bits from start-up, pages 1–2's colour quantization for every
    /// k = 1…256 of the photo being viewed (the default photo from start-up), pages 4–6's models
    /// loaded or trained from start-up with page 5's accuracy at every rank and page 6's pruning
    /// sweeps, and page 7's download (and its measured error) at every bits once a model is uploaded. Default true; false
    /// computes each answer only when a request asks for it.
    /// </summary>
    public bool SolveAhead { get; init; } = true;

    /// <summary>
    /// With <see cref="SolveAhead"/>, also prune and evaluate every pruning method at every
    /// sparsity in the background (page 6; minutes of one core), not only the method being viewed.
    /// Default true; the tests turn it off to keep their CPU for themselves.
    /// </summary>
    public bool PruneAhead { get; init; } = true;

    /// <summary>The largest upload limit: 2 GiB.</summary>
    const long MaxUploadLimit = 2L * 1024 * 1024 * 1024;

    static int CheckPort(int value) =>
        value is >= 0 and <= 65535 ? value : throw new CondenseException($"studio port must be 0–65535, got {value}");

    static long CheckUpload(long value) =>
        value is >= 1024 and <= MaxUploadLimit ? value : throw new CondenseException($"studio upload limit must be 1 KiB–2 GiB (1024–{MaxUploadLimit} bytes), got {value}");

    static string CheckHost(string value) =>
        value is not null && System.Net.IPAddress.TryParse(value, out _) ? value : throw new CondenseException($"studio host must be an IP address, got '{value}'");

    internal string ResolveCacheDirectory()
    {
        if (!string.IsNullOrEmpty(CacheDirectory)) return CacheDirectory;
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = !string.IsNullOrEmpty(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "condense", "studio");
    }
}
