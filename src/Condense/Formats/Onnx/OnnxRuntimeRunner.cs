using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace Condense.Formats.Onnx;

/// <summary>
/// Runs a model in ONNX Runtime (CPU) on inputs given as <see cref="TensorProto"/>s and returns
/// its outputs the same way, so models, stored test data and results share one representation.
/// </summary>
internal sealed class OnnxRuntimeRunner : IDisposable
{
    readonly InferenceSession session;
    readonly string source;

    /// <summary>Loads <paramref name="model"/> (serialised ONNX) into a new session.</summary>
    public OnnxRuntimeRunner(byte[] model, string source, int threads = 1)
        : this(options => new InferenceSession(model, options), source, threads)
    {
    }

    /// <summary>
    /// Loads the model file at <paramref name="path"/> into a new session; ONNX Runtime resolves
    /// external data files relative to it (the only way to run a model over 2 GiB).
    /// </summary>
    public static OnnxRuntimeRunner FromFile(string path, string? source = null, int threads = 1) =>
        new(options => new InferenceSession(path, options), source ?? path, threads);

    OnnxRuntimeRunner(Func<SessionOptions, InferenceSession> create, string source, int threads)
    {
        this.source = source;
        OnnxRuntimeEnvironment.Ensure();
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        try
        {
            session = create(options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new CondenseException($"{source}: ONNX Runtime cannot load the model: {OneLine(ex.Message)}");
        }
    }

    /// <summary>The graph inputs ONNX Runtime expects (initializers excluded).</summary>
    public IReadOnlyList<string> InputNames => session.InputNames;

    /// <summary>The graph outputs, in order.</summary>
    public IReadOnlyList<string> OutputNames => session.OutputNames;

    /// <summary>Runs the model; the inputs are matched by name, or by position when unnamed.</summary>
    public IReadOnlyList<TensorProto> Run(IReadOnlyList<TensorProto> inputs)
    {
        if (inputs.Count != session.InputNames.Count)
            throw new CondenseException($"{source}: the model takes {session.InputNames.Count} inputs ({string.Join(", ", session.InputNames)}), not {inputs.Count}");
        var names = new List<string>();
        var values = new List<OrtValue>();
        try
        {
            for (int i = 0; i < inputs.Count; i++)
            {
                var name = inputs[i].Name.Length > 0 && session.InputNames.Contains(inputs[i].Name) ? inputs[i].Name : session.InputNames[i];
                names.Add(name);
                values.Add(ToOrtValue(inputs[i]));
            }
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, names, values, session.OutputNames);
            return outputs.Select((v, i) => FromOrtValue(session.OutputNames[i], v)).ToList();
        }
        catch (OnnxRuntimeException ex)
        {
            throw new CondenseException($"{source}: ONNX Runtime failed to run the model: {OneLine(ex.Message)}");
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    static OrtValue ToOrtValue(TensorProto t)
    {
        var raw = OnnxTensorData.ToRawBytes(t);
        var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, (TensorElementType)t.DataType, t.Dims.ToArray());
        raw.CopyTo(value.GetTensorMutableRawData());
        return value;
    }

    TensorProto FromOrtValue(string name, OrtValue value)
    {
        if (value.OnnxType != OnnxValueType.ONNX_TYPE_TENSOR)
            throw new CondenseException($"{source}: output '{name}' is a {value.OnnxType.ToString().Replace("ONNX_TYPE_", "", StringComparison.Ordinal).ToLowerInvariant()}, not a tensor; Condense compares tensor outputs only");
        var info = value.GetTensorTypeAndShape();
        if (info.ElementDataType == TensorElementType.String)
        {
            var strings = new TensorProto { Name = name, DataType = (int)TensorElementType.String };
            strings.Dims.AddRange(info.Shape);
            strings.StringData.AddRange(value.GetStringTensorAsArray().Select(ByteString.CopyFromUtf8));
            return strings;
        }
        var bytes = value.GetTensorMutableRawData().ToArray();
        var t = new TensorProto { Name = name, DataType = (int)info.ElementDataType, RawData = ByteString.CopyFrom(bytes) };
        t.Dims.AddRange(info.Shape);
        return t;
    }

    static string OneLine(string s) => s.ReplaceLineEndings(" ");

    public void Dispose() => session.Dispose();
}
