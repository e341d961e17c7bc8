using Microsoft.ML.OnnxRuntime;

namespace Condense.Formats.Onnx;

/// <summary>
/// The process-wide ONNX Runtime environment, created once, here, before any session: its log
/// goes to a callback instead of the native runtime's own stderr lines ("[W:onnxruntime:…]
/// Removing initializer …", schema warnings), which would otherwise interleave with Condense's
/// tables and JSON. Anything the runtime reports as an error also comes back as an exception,
/// which Condense turns into one line of its own; the log itself is kept (the last few messages,
/// for <see cref="RecentMessages"/>) and handed to <see cref="Echo"/> as it arrives, which the
/// CLI points at stderr only when <c>CONDENSE_DEBUG=1</c> (the library writes to no console).
/// </summary>
public static class OnnxRuntimeEnvironment
{
    static readonly object Gate = new();
    static readonly Queue<string> Recent = new();
    // Held in a static so the garbage collector never frees the delegate native code calls.
    static readonly DOrtLoggingFunction Callback = Log;
    static bool ensured;

    /// <summary>Receives each log line as it arrives (the CLI's <c>CONDENSE_DEBUG=1</c> echo); null: kept in <see cref="RecentMessages"/> only.</summary>
    public static Action<string>? Echo { get; set; }

    /// <summary>
    /// Creates the environment with the log routed here, unless something already created it
    /// (then sessions still log at error level only: <see cref="OnnxRuntimeRunner"/> sets that).
    /// Cheap after the first call.
    /// </summary>
    public static void Ensure()
    {
        lock (Gate)
        {
            if (ensured) return;
            ensured = true;
            if (OrtEnv.IsCreated) return;
            var options = new EnvironmentCreationOptions
            {
                logId = "condense",
                logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
                loggingFunction = Callback,
            };
            try
            {
                OrtEnv.CreateInstanceWithOptions(ref options);
            }
            catch (OnnxRuntimeException)
            {
                // Created meanwhile by a caller outside Condense: sessions still log at error level only.
            }
        }
    }

    /// <summary>The runtime's last log messages (at most 20), oldest first.</summary>
    public static IReadOnlyList<string> RecentMessages
    {
        get { lock (Recent) return Recent.ToArray(); }
    }

    static void Log(IntPtr param, OrtLoggingLevel severity, string category, string logId, string codeLocation, string message)
    {
        var line = $"onnxruntime {severity.ToString().Replace("ORT_LOGGING_LEVEL_", "", StringComparison.Ordinal).ToLowerInvariant()}: {message.ReplaceLineEndings(" ")}";
        lock (Recent)
        {
            Recent.Enqueue(line);
            while (Recent.Count > 20) Recent.Dequeue();
        }
        Echo?.Invoke(line);
    }
}
