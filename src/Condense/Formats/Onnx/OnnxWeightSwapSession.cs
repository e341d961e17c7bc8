using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace Condense.Formats.Onnx;

/// <summary>
/// One ONNX Runtime session of a model whose chosen float initializers have become graph inputs,
/// so the model can be run with any of those weights replaced (by its decoded compressed values)
/// without building and loading a new model for every (layer, setting): what makes measuring the
/// final output's sensitivity to each layer cheap. The samples are converted to ONNX Runtime values
/// once; weights not replaced are fed their original values (pinned, never copied).
/// </summary>
internal sealed class OnnxWeightSwapSession : IDisposable
{
    readonly InferenceSession session;
    readonly string source;
    readonly Dictionary<string, (float[] Values, long[] Shape)> weights;
    readonly List<OrtValue[]> samples = [];
    readonly List<string[]> sampleNames = [];

    /// <param name="model">The model (not modified).</param>
    /// <param name="source">Its path, for messages.</param>
    /// <param name="weightNames">Float initializers that runs may replace.</param>
    /// <param name="samples">Complete input sets, converted once.</param>
    /// <param name="threads">ONNX Runtime intra-op threads.</param>
    public OnnxWeightSwapSession(ModelProto model, string source, IReadOnlyList<string> weightNames,
        IReadOnlyList<IReadOnlyList<TensorProto>> samples, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(weightNames);
        ArgumentNullException.ThrowIfNull(samples);
        this.source = source;
        var proto = model.Clone();
        var graph = proto.Graph;
        var byName = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var inputs = graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        weights = new(StringComparer.Ordinal);
        foreach (var name in weightNames.Distinct(StringComparer.Ordinal))
        {
            if (!byName.TryGetValue(name, out var t) || (TensorProto.Types.DataType)t.DataType != TensorProto.Types.DataType.Float)
                throw new CondenseException($"{source}: '{name}' is not a float initializer");
            weights[name] = (OnnxTensorData.ToFloat32(t), t.Dims.ToArray());
            graph.Initializer.Remove(t);
            if (inputs.Contains(name)) continue;
            var shape = new TensorShapeProto();
            foreach (var d in t.Dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
            graph.Input.Add(new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = t.DataType, Shape = shape } },
            });
        }
        OnnxRuntimeEnvironment.Ensure();
        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        try
        {
            session = new InferenceSession(proto.ToByteArray(), options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new CondenseException($"{source}: ONNX Runtime cannot load the model with its weights as inputs: {ex.Message.ReplaceLineEndings(" ")}");
        }
        try
        {
            foreach (var sample in samples)
            {
                var names = new string[sample.Count];
                var values = new OrtValue[sample.Count];
                for (int i = 0; i < sample.Count; i++)
                {
                    names[i] = sample[i].Name;
                    var raw = OnnxTensorData.ToRawBytes(sample[i]);
                    values[i] = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, (TensorElementType)sample[i].DataType, sample[i].Dims.ToArray());
                    raw.CopyTo(values[i].GetTensorMutableRawData());
                }
                this.samples.Add(values);
                sampleNames.Add(names);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Samples held.</summary>
    public int Samples => samples.Count;

    /// <summary>
    /// The first output of sample <paramref name="index"/> with the weights in
    /// <paramref name="replaced"/> (ONNX element order, the weight's size) in place of the originals.
    /// </summary>
    public TensorProto Run(int index, IReadOnlyDictionary<string, float[]>? replaced = null)
    {
        var names = new List<string>(sampleNames[index]);
        var values = new List<OrtValue>(samples[index]);
        var owned = new List<OrtValue>();
        try
        {
            foreach (var (name, (original, shape)) in weights)
            {
                var v = replaced is not null && replaced.TryGetValue(name, out var r) ? r : original;
                if (v.Length != original.Length) throw new CondenseException($"{source}: {v.Length} values given for '{name}' of {original.Length}");
                var value = OrtValue.CreateTensorValueFromMemory(v, shape);
                owned.Add(value);
                names.Add(name);
                values.Add(value);
            }
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, names, values, [session.OutputNames[0]]);
            var output = outputs[0];
            var info = output.GetTensorTypeAndShape();
            if (info.ElementDataType is not (TensorElementType.Float or TensorElementType.Float16 or TensorElementType.Double or TensorElementType.BFloat16))
                throw new CondenseException($"{source}: output '{session.OutputNames[0]}' is {info.ElementDataType}, not floating point; the output error cannot be measured");
            var t = new TensorProto { Name = session.OutputNames[0], DataType = (int)info.ElementDataType, RawData = ByteString.CopyFrom(output.GetTensorMutableRawData()) };
            t.Dims.AddRange(info.Shape);
            return t;
        }
        catch (OnnxRuntimeException ex)
        {
            throw new CondenseException($"{source}: ONNX Runtime failed to run the model: {ex.Message.ReplaceLineEndings(" ")}");
        }
        finally
        {
            foreach (var v in owned) v.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var v in samples.SelectMany(s => s)) v.Dispose();
        session?.Dispose();
    }
}
