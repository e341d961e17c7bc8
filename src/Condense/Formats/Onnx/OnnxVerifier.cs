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
    /// <summary>
    /// Runs <paramref name="original"/> and <paramref name="compressed"/> on the same inputs:
    /// <paramref name="inputs"/> when given, else seeded random ones whose dynamic dims come from
    /// <paramref name="shapes"/> or, failing that, from <see cref="OnnxInputDims"/>'s guesses, tried
    /// in turn until the original runs. The outputs must agree in names, types and shapes.
    /// </summary>
    public static OnnxVerification Compare(ModelProto original, ModelProto compressed, string source,
        IReadOnlyList<TensorProto>? inputs = null, int seed = 0, OnnxInputShapes? shapes = null)
    {
        var runnable = original.Clone();
        OnnxOpsetUpgrade.ToOpset7(runnable, source);
        return Run(() => new OnnxRuntimeRunner(runnable.ToByteArray(), source),
            () => new OnnxRuntimeRunner(compressed.ToByteArray(), source + " (compressed)"), runnable.Graph, source, inputs, seed, shapes);
    }

    /// <summary>
    /// Runs <paramref name="original"/> and the model file at <paramref name="compressedPath"/>
    /// (with its external data) in ONNX Runtime, one session at a time, on the same inputs (as
    /// <see cref="Compare"/> chooses them). The original runs from its own file when it has
    /// external data (so neither model is ever a protobuf in memory), else from its bytes (lifted
    /// to opset 7 when older).
    /// </summary>
    public static OnnxVerification CompareFiles(OnnxModel original, string compressedPath,
        IReadOnlyList<TensorProto>? inputs = null, int seed = 0, OnnxInputShapes? shapes = null)
    {
        Func<OnnxRuntimeRunner> first;
        if (original.HasExternalData)
        {
            if (original.DefaultOpset < 7)
                throw new CondenseException($"{original.Source}: a model with external data must be opset 7 or later to run in ONNX Runtime, not {original.DefaultOpset}");
            first = () => OnnxRuntimeRunner.FromFile(original.Source);
        }
        else
        {
            var runnable = original.Proto.Clone();
            OnnxOpsetUpgrade.ToOpset7(runnable, original.Source);
            first = () => new OnnxRuntimeRunner(runnable.ToByteArray(), original.Source);
        }
        return Run(first, () => OnnxRuntimeRunner.FromFile(compressedPath, original.Source + " (compressed)"),
            original.Proto.Graph, original.Source, inputs, seed, shapes);
    }

    static OnnxVerification Run(Func<OnnxRuntimeRunner> original, Func<OnnxRuntimeRunner> compressed, GraphProto graph, string source,
        IReadOnlyList<TensorProto>? inputs, int seed, OnnxInputShapes? shapes)
    {
        string inputSource;
        IReadOnlyList<TensorProto> a, b;
        using (var runner = original())
        {
            if (inputs is not null)
            {
                inputSource = "given inputs";
                a = runner.Run(inputs);
            }
            else (inputs, a, inputSource) = RunOnRandomInputs(runner, graph, source, seed, shapes ?? OnnxInputShapes.None);
        }
        using (var runner = compressed()) b = runner.Run(inputs);
        CheckOutputsAgree(a, b, source);
        return new OnnxVerification(a.Select((o, i) => Difference(o, b[i])).ToList(), inputSource);
    }

    /// <summary>
    /// Tries the shape guesses in turn until the model runs; when none does, one line naming the
    /// inputs and dims tried and what to pass instead.
    /// </summary>
    static (IReadOnlyList<TensorProto> Inputs, IReadOnlyList<TensorProto> Outputs, string Source) RunOnRandomInputs(
        OnnxRuntimeRunner runner, GraphProto graph, string source, int seed, OnnxInputShapes shapes)
    {
        var tried = new List<string>();
        CondenseException? last = null;
        var guesses = OnnxInputDims.HasDynamicDims(graph) ? OnnxInputDims.Guesses : 1;
        for (int guess = 0; guess < guesses; guess++)
        {
            var dims = OnnxInputDims.Resolve(graph, shapes, guess);
            var label = string.Join(", ", dims.Select(d => $"{d.Input.Name} [{string.Join(", ", d.Dims)}]"));
            if (tried.Contains(label)) continue;
            tried.Add(label);
            var inputs = RandomInputs(dims, seed);
            try
            {
                var outputs = runner.Run(inputs);
                var dynamic = OnnxInputDims.HasDynamicDims(graph) || shapes.Shapes.Count > 0;
                return (inputs, outputs, $"random (seed {seed}){(dynamic ? $"; {label}" : "")}");
            }
            catch (CondenseException ex)
            {
                last = ex;
            }
        }
        if (tried.Count == 1 && shapes.Shapes.Count == 0 && !OnnxInputDims.HasDynamicDims(graph)) throw last!;
        throw new CondenseException($"{source}: ONNX Runtime could not run the model on random inputs of the shapes tried " +
            $"({string.Join(" | ", tried)}): {Reason(last!.Message, source)}; pass --input-shape NAME=D1,D2,… for its dynamic dims (or --data)");
    }

    /// <summary>
    /// Runs <paramref name="model"/> once on seeded random inputs chosen as <see cref="Compare"/>
    /// chooses them (given shapes, then guesses), so a user can see whether and how it runs before
    /// compressing it: the inputs used and each output's name, type and dims.
    /// </summary>
    public static OnnxProbe Probe(OnnxModel model, OnnxInputShapes? shapes = null, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var runner = model.HasExternalData
            ? OnnxRuntimeRunner.FromFile(model.Source)
            : new OnnxRuntimeRunner(Runnable(model).ToByteArray(), model.Source);
        var (_, outputs, source) = RunOnRandomInputs(runner, model.Proto.Graph, model.Source, seed, shapes ?? OnnxInputShapes.None);
        return new OnnxProbe(source, outputs.Select(o => new OnnxProbeOutput(o.Name, OnnxTensorData.TypeName(o.DataType), o.Dims.ToArray())).ToList());
    }

    static ModelProto Runnable(OnnxModel model)
    {
        var proto = model.Proto.Clone();
        OnnxOpsetUpgrade.ToOpset7(proto, model.Source);
        return proto;
    }

    static string Reason(string message, string source) =>
        message.StartsWith(source + ": ", StringComparison.Ordinal) ? message[(source.Length + 2)..] : message;

    static void CheckOutputsAgree(IReadOnlyList<TensorProto> a, IReadOnlyList<TensorProto> b, string source)
    {
        if (a.Count != b.Count)
            throw new CondenseException($"{source}: the compressed model has {b.Count} outputs, the original {a.Count}");
        for (int i = 0; i < a.Count; i++)
        {
            if (a[i].Name != b[i].Name)
                throw new CondenseException($"{source}: output {i} is '{b[i].Name}' in the compressed model but '{a[i].Name}' in the original");
            if (a[i].DataType != b[i].DataType || !a[i].Dims.SequenceEqual(b[i].Dims))
                throw new CondenseException($"{source}: output '{a[i].Name}' is {Describe(b[i])} in the compressed model but {Describe(a[i])} in the original");
        }
    }

    static string Describe(TensorProto t) => $"{OnnxTensorData.TypeName(t.DataType)} [{string.Join(", ", t.Dims)}]";

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

    /// <summary>Seeded random inputs for every graph input that is not an initializer, dynamic dims set to 1.</summary>
    public static IReadOnlyList<TensorProto> RandomInputs(GraphProto graph, int seed) =>
        RandomInputs(OnnxInputDims.Resolve(graph, OnnxInputShapes.None, guess: 1), seed);

    /// <summary>Seeded random inputs of the given dims: standard normal floats, zeros for integers and booleans (safe as indices).</summary>
    public static IReadOnlyList<TensorProto> RandomInputs(IReadOnlyList<(ValueInfoProto Input, long[] Dims)> shapes, int seed)
    {
        var random = new Random(seed);
        var list = new List<TensorProto>();
        foreach (var (input, dims) in shapes)
        {
            var tensorType = input.Type?.TensorType
                ?? throw new CondenseException($"input '{input.Name}' is not a tensor; pass real inputs");
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

    static OnnxOutputDifference Difference(TensorProto original, TensorProto compressed)
    {
        var name = original.Name;
        var mismatched = Mismatched(original, compressed);
        var type = OnnxTensorData.TypeName(original.DataType);
        if ((DataType)original.DataType == DataType.String)
            return new OnnxOutputDifference(name, mismatched > 0 ? 1 : 0, 0, mismatched > 0 ? 1 : 0, 0) { DataType = type, Mismatched = mismatched };
        var a = OnnxTensorData.ToFloat32(original);
        var b = OnnxTensorData.ToFloat32(compressed);
        if (a.Length != b.Length) throw new CondenseException($"output '{name}' has {a.Length} elements in the original but {b.Length} compressed");
        // NaN and infinities (masks, −∞ logits) carry no distance: they are left out of the figures
        // (which stay finite, as JSON needs) and show up in Mismatched when the two disagree.
        double maxAbs = 0, sumAbs = 0, maxA = 0, sumA = 0;
        long finite = 0;
        for (int i = 0; i < a.Length; i++)
        {
            if (!float.IsFinite(a[i]) || !float.IsFinite(b[i])) continue;
            finite++;
            var d = Math.Abs((double)a[i] - b[i]);
            maxAbs = Math.Max(maxAbs, d);
            sumAbs += d;
            maxA = Math.Max(maxA, Math.Abs((double)a[i]));
            sumA += Math.Abs((double)a[i]);
        }
        var n = Math.Max(finite, 1);
        return new OnnxOutputDifference(name, maxAbs, sumAbs / n, maxA > 0 ? maxAbs / maxA : maxAbs, sumA > 0 ? sumAbs / sumA : sumAbs / n)
        {
            DataType = type,
            Mismatched = mismatched,
        };
    }

    /// <summary>Elements not bit-for-bit equal (what matters for integer outputs such as class indices).</summary>
    static long Mismatched(TensorProto a, TensorProto b)
    {
        if ((DataType)a.DataType == DataType.String)
            return a.StringData.Zip(b.StringData).LongCount(p => p.First != p.Second) + Math.Abs(a.StringData.Count - b.StringData.Count);
        var size = OnnxTensorData.ElementSize(a.DataType);
        var x = OnnxTensorData.ToRawBytes(a);
        var y = OnnxTensorData.ToRawBytes(b);
        if (size == 0 || x.Length != y.Length) return Math.Max(x.Length, y.Length) / Math.Max(size, 1);
        long count = 0;
        for (int i = 0; i < x.Length; i += size)
            if (!x.AsSpan(i, size).SequenceEqual(y.AsSpan(i, size))) count++;
        return count;
    }
}
