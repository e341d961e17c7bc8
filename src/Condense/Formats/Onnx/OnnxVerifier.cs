using Google.Protobuf;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Formats.Onnx;

/// <summary>
/// Runs an original and a compressed model in ONNX Runtime on the same inputs and measures how
/// far the outputs drift. Inputs are real when known (an ONNX test folder's
/// <c>test_data_set_0/input_*.pb</c> beside the model, or the caller's), otherwise seeded random:
/// standard normal for floats, zeros for integers and booleans (safe as indices), with symbolic
/// dimensions set to 1.
/// </summary>
public static class OnnxVerifier
{
    public static OnnxVerification Compare(ModelProto original, ModelProto compressed, string source,
        IReadOnlyList<TensorProto>? inputs = null, int seed = 0)
    {
        var runnable = original.Clone();
        OnnxOpsetUpgrade.ToOpset7(runnable, source);
        var inputSource = inputs is null ? $"random (seed {seed})" : "given inputs";
        inputs ??= RandomInputs(runnable.Graph, seed);
        IReadOnlyList<TensorProto> a, b;
        using (var runner = new OnnxRuntimeRunner(runnable.ToByteArray(), source)) a = runner.Run(inputs);
        using (var runner = new OnnxRuntimeRunner(compressed.ToByteArray(), source + " (compressed)")) b = runner.Run(inputs);
        var diffs = new List<OnnxOutputDifference>();
        for (int i = 0; i < a.Count; i++) diffs.Add(Difference(a[i].Name, OnnxTensorData.ToFloat32(a[i]), OnnxTensorData.ToFloat32(b[i])));
        return new OnnxVerification(diffs, inputSource);
    }

    /// <summary>
    /// Runs <paramref name="original"/> and the model file at <paramref name="compressedPath"/>
    /// (with its external data) in ONNX Runtime, one session at a time, on the same inputs. The
    /// original runs from its own file when it has external data (so neither model is ever a
    /// protobuf in memory), else from its bytes (lifted to opset 7 when older).
    /// </summary>
    public static OnnxVerification CompareFiles(OnnxModel original, string compressedPath,
        IReadOnlyList<TensorProto>? inputs = null, int seed = 0)
    {
        var inputSource = inputs is null ? $"random (seed {seed})" : "given inputs";
        inputs ??= RandomInputs(original.Proto.Graph, seed);
        IReadOnlyList<TensorProto> a, b;
        if (original.HasExternalData)
        {
            if (original.DefaultOpset < 7)
                throw new CondenseException($"{original.Source}: a model with external data must be opset 7 or later to run in ONNX Runtime, not {original.DefaultOpset}");
            using var runner = OnnxRuntimeRunner.FromFile(original.Source);
            a = runner.Run(inputs);
        }
        else
        {
            var runnable = original.Proto.Clone();
            OnnxOpsetUpgrade.ToOpset7(runnable, original.Source);
            using var runner = new OnnxRuntimeRunner(runnable.ToByteArray(), original.Source);
            a = runner.Run(inputs);
        }
        using (var runner = OnnxRuntimeRunner.FromFile(compressedPath, original.Source + " (compressed)")) b = runner.Run(inputs);
        var diffs = new List<OnnxOutputDifference>();
        for (int i = 0; i < a.Count; i++) diffs.Add(Difference(a[i].Name, OnnxTensorData.ToFloat32(a[i]), OnnxTensorData.ToFloat32(b[i])));
        return new OnnxVerification(diffs, inputSource);
    }

    /// <summary>Inputs stored beside a model as ONNX test data (<c>test_data_set_0/input_*.pb</c>), or null.</summary>
    public static IReadOnlyList<TensorProto>? StoredInputs(string modelPath)
    {
        var dir = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath))!, "test_data_set_0");
        if (!Directory.Exists(dir)) return null;
        var files = Directory.GetFiles(dir, "input_*.pb");
        if (files.Length == 0) return null;
        var list = new List<TensorProto>();
        foreach (var f in files.OrderBy(f => int.TryParse(Path.GetFileNameWithoutExtension(f)[6..], out var k) ? k : int.MaxValue))
        {
            var bytes = File.ReadAllBytes(f);
            try
            {
                var t = TensorProto.Parser.ParseFrom(CodedInputStream.CreateWithLimits(new MemoryStream(bytes), bytes.Length + 1, 16));
                if (OnnxTensorData.ElementCount(t.Dims, int.MaxValue) < 0 || OnnxTensorData.ToRawBytes(t).Length != OnnxTensorData.DenseBytes(t))
                    throw new InvalidFileException(f, "tensor data does not match its dims");
                list.Add(t);
            }
            catch (InvalidProtocolBufferException ex)
            {
                throw new InvalidFileException(f, $"not a valid TensorProto: {ex.Message}");
            }
            catch (ArgumentOutOfRangeException)
            {
                throw new InvalidFileException(f, "tensor data does not match its dims");
            }
        }
        return list;
    }

    /// <summary>Seeded random inputs for every graph input that is not an initializer.</summary>
    public static IReadOnlyList<TensorProto> RandomInputs(GraphProto graph, int seed)
    {
        var random = new Random(seed);
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var list = new List<TensorProto>();
        foreach (var input in graph.Input.Where(i => !initializers.Contains(i.Name)))
        {
            var tensorType = input.Type?.TensorType
                ?? throw new CondenseException($"input '{input.Name}' is not a tensor; pass real inputs");
            var dims = tensorType.Shape?.Dim.Select(d => d.HasDimValue && d.DimValue > 0 ? d.DimValue : 1L).ToArray() ?? [];
            var n = OnnxTensorData.ElementCount(dims, 1 << 26);
            if (n < 0) throw new CondenseException($"input '{input.Name}' is too large for random data");
            var type = (DataType)tensorType.ElemType;
            var size = OnnxTensorData.ElementSize(tensorType.ElemType);
            if (size == 0) throw new CondenseException($"input '{input.Name}' has type {OnnxTensorData.TypeName(tensorType.ElemType)}; pass real inputs");
            TensorProto t;
            if (type is DataType.Float or DataType.Double or DataType.Float16)
            {
                var values = new float[n];
                for (int i = 0; i < n; i++)
                {
                    // Box–Muller: standard normal from two uniforms.
                    var u1 = 1.0 - random.NextDouble();
                    var u2 = random.NextDouble();
                    values[i] = (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
                }
                t = type switch
                {
                    DataType.Float => OnnxTensorData.FromFloat32(input.Name, values, dims),
                    DataType.Double => OnnxTensorData.Raw(input.Name, type, values.SelectMany(v => BitConverter.GetBytes((double)v)).ToArray(), dims),
                    _ => OnnxTensorData.Raw(input.Name, type, values.SelectMany(v => BitConverter.GetBytes((Half)v)).ToArray(), dims),
                };
            }
            else t = OnnxTensorData.Raw(input.Name, type, new byte[n * size], dims);
            list.Add(t);
        }
        return list;
    }

    static OnnxOutputDifference Difference(string name, float[] a, float[] b)
    {
        if (a.Length != b.Length) throw new CondenseException($"output '{name}' has {a.Length} elements in the original but {b.Length} compressed");
        double maxAbs = 0, sumAbs = 0, maxA = 0, sumA = 0;
        for (int i = 0; i < a.Length; i++)
        {
            var d = Math.Abs((double)a[i] - b[i]);
            maxAbs = Math.Max(maxAbs, d);
            sumAbs += d;
            maxA = Math.Max(maxA, Math.Abs((double)a[i]));
            sumA += Math.Abs((double)a[i]);
        }
        var n = Math.Max(a.Length, 1);
        return new OnnxOutputDifference(name, maxAbs, sumAbs / n, maxA > 0 ? maxAbs / maxA : maxAbs, sumA > 0 ? sumAbs / sumA : sumAbs / n);
    }
}
