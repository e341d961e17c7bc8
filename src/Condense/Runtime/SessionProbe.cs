using System.Diagnostics;
using Condense.Formats.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace Condense.Runtime;

/// <summary>
/// Measures a model file in ONNX Runtime the way it will be used: a session with the given
/// intra-op threads (all optimisations on, as a user gets by default), inputs built once, a few
/// warm-up runs, then timed runs until <c>runs</c> are done or the time budget is spent. Memory is
/// the process's resident set read from <c>/proc/self/statm</c> around session creation and the
/// first run (the arena grows on first use), after a full garbage collection.
/// </summary>
public static class SessionProbe
{
    /// <summary>Measures <paramref name="modelPath"/> on <paramref name="inputs"/> (one input set, any batch).</summary>
    public static SessionMeasurement Measure(string modelPath, IReadOnlyList<TensorProto> inputs, int threads, int runs = 30,
        double budgetSeconds = 5, int warmup = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        OnnxRuntimeEnvironment.Ensure();
        var values = new List<OrtValue>();
        try
        {
            foreach (var t in inputs)
            {
                var raw = OnnxTensorData.ToRawBytes(t);
                var v = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, (TensorElementType)t.DataType, t.Dims.ToArray());
                raw.CopyTo(v.GetTensorMutableRawData());
                values.Add(v);
            }
            // Memory an earlier session freed is not silently reused by this one: the RSS difference shows what the session holds.
            ProcessMemory.Release();
            var before = ResidentBytes();
            using var options = new SessionOptions
            {
                IntraOpNumThreads = threads,
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            };
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", "1");
            InferenceSession session;
            try { session = new InferenceSession(modelPath, options); }
            catch (OnnxRuntimeException ex) { throw new CondenseException($"{modelPath}: ONNX Runtime cannot load the model: {ex.Message.ReplaceLineEndings(" ")}"); }
            using (session)
            {
                var names = inputs.Select((t, i) => t.Name.Length > 0 ? t.Name : session.InputNames[i]).ToList();
                using var runOptions = new RunOptions();
                void Once() { using var o = session.Run(runOptions, names, values, session.OutputNames); }
                Once();
                var after = ResidentBytes();
                for (int i = 1; i < warmup; i++) Once();
                var times = new List<double>();
                var total = Stopwatch.StartNew();
                while (times.Count < runs && (times.Count < 5 || total.Elapsed.TotalSeconds < budgetSeconds))
                {
                    var sw = Stopwatch.StartNew();
                    Once();
                    times.Add(sw.Elapsed.TotalMilliseconds);
                }
                times.Sort();
                var median = times.Count % 2 == 1 ? times[times.Count / 2] : (times[times.Count / 2 - 1] + times[times.Count / 2]) / 2;
                var batch = inputs.Count > 0 && inputs[0].Dims.Count > 0 ? (int)inputs[0].Dims[0] : 1;
                return new SessionMeasurement(threads, batch, median, times.Count, before > 0 && after > 0 ? Math.Max(0, after - before) : 0);
            }
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    /// <summary>Resident bytes of this process (Linux); 0 elsewhere.</summary>
    public static long ResidentBytes()
    {
        try
        {
            var fields = File.ReadAllText("/proc/self/statm").Split(' ');
            return long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) * Environment.SystemPageSize;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }
}
