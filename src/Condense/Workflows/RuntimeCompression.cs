using Condense.Formats;
using Condense.Formats.Onnx;
using Condense.Graph;
using Condense.Quantization;
using Condense.Runtime;
using Google.Protobuf;
using Onnx;

namespace Condense.Workflows;

/// <summary>
/// <c>condense compress --method int8-static|int8-dynamic|nbits</c>: rewrites a model into a form
/// ONNX Runtime runs on integer or packed kernels, checks it against the original on held-out
/// samples in ONNX Runtime, writes it atomically, then measures both files alike (median latency
/// at batch 1 and the asked batch, 1 and 2 threads, and the resident memory each session adds),
/// so a result that is no faster says so instead of passing silently.
/// </summary>
public static class RuntimeCompression
{
    /// <summary>Runs the request; nothing is written unless the result loads and runs.</summary>
    public static RuntimeCompressionReport Run(RuntimeCompressionRequest request, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        OutputPath.RefuseOverwrite(request.InputPath, request.OutputPath);
        var model = OnnxReader.Read(request.InputPath);
        model.LoadExternalData();
        var method = request.Method ?? Choose(model, request.Goal, request.Calibration.Count > 0);
        progress?.Invoke($"{method}: rewriting the graph");
        var (proto, details, nbits) = RewriteCore(model, method, request, progress);

        var bytes = proto.ToByteArray();
        var heldOut = request.HeldOut.Count > 0 ? request.HeldOut : request.Calibration;
        progress?.Invoke($"checking against the original on {heldOut.Count} samples");
        var agreement = Compare(model, bytes, heldOut);
        var rounding = nbits is null ? null : HeldOutRounding(model, proto, nbits.Value, request, progress);
        AtomicFile.WriteAllBytes(request.OutputPath, bytes);

        IReadOnlyList<RuntimeComparison> timing = [];
        IReadOnlyList<string> warnings = [];
        if (request.Measure)
            (timing, warnings) = LatencyComparison.Measure(request.InputPath, request.OutputPath, model.Proto.Graph, heldOut[0], request.Runs, request.Batch, progress);
        var ops = OptimizedGraph.OpCounts(request.OutputPath);
        return new RuntimeCompressionReport(request.InputPath, request.OutputPath, method, details, request.DataDescription,
            model.FileBytes, new FileInfo(request.OutputPath).Length, agreement, timing, ops, warnings, rounding);
    }

    /// <summary>The method a goal picks: convolutions want static int8; otherwise size wants 4-bit blocks and speed dynamic int8.</summary>
    public static RuntimeMethod Choose(OnnxModel model, RuntimeGoal goal, bool haveCalibration)
    {
        var hasConv = model.Proto.Graph.Node.Any(n => n.OpType == "Conv");
        if (hasConv && haveCalibration && goal != RuntimeGoal.Size) return RuntimeMethod.Int8Static;
        return goal == RuntimeGoal.Size ? RuntimeMethod.NBits : haveCalibration && hasConv ? RuntimeMethod.Int8Static : RuntimeMethod.Int8Dynamic;
    }

    /// <summary>The rewritten model (the input is not modified) and a one-line description.</summary>
    public static (ModelProto Model, string Details) Rewrite(OnnxModel model, RuntimeMethod method, RuntimeCompressionRequest request, Action<string>? progress = null)
    {
        var (proto, details, _) = RewriteCore(model, method, request, progress);
        return (proto, details);
    }

    static (ModelProto Model, string Details, (string Rounding, string? Reason)? NBits) RewriteCore(OnnxModel model, RuntimeMethod method,
        RuntimeCompressionRequest request, Action<string>? progress)
    {
        var proto = model.Proto.Clone();
        switch (method)
        {
            case RuntimeMethod.Int8Static:
            {
                if (request.Calibration.Count == 0) throw new CondenseException($"{model.Source}: int8-static needs calibration data (--data)");
                var lifted = OpsetLift.To13(proto, model.Source);
                var (prepared, fold) = GraphFolding.Fold(new OnnxModel(proto, model.Source, model.Directory));
                proto = prepared.Proto;
                var folded = fold.BatchNormsFolded;
                var names = QdqQuantizer.ValuesToCalibrate(proto.Graph);
                progress?.Invoke($"calibrating {names.Count} activations on {request.Calibration.Count} samples ({request.Ranges})");
                var ranges = ActivationRanges.Collect(prepared, names, request.Calibration, request.Ranges, request.Percentile);
                var nodes = QdqQuantizer.Quantize(proto, ranges, request.SignedActivations, model.Source);
                return (proto, $"{nodes} nodes between int8 QDQ pairs ({(request.SignedActivations ? "int8" : "uint8")} activations, {RangeName(request.Ranges)} ranges, int8 per-channel weights)"
                    + (lifted ? $"; lifted to opset {OpsetLift.Target}" : "") + (folded > 0 ? $"; {folded} BatchNormalization folded" : ""), null);
            }
            case RuntimeMethod.Int8Dynamic:
            {
                var n = DynamicQuantizer.Quantize(proto);
                if (n == 0) throw new CondenseException($"{model.Source}: no MatMul by a constant weight to quantize dynamically");
                return (proto, $"{n} MatMuls -> DynamicQuantizeMatMul (int8 per-column weights, uint8 activations per run)", null);
            }
            default:
            {
                var reason = NBitsRoundingReason(request);
                IReadOnlyDictionary<string, BlockCodes>? gptq = null;
                if (reason is null)
                {
                    progress?.Invoke($"GPTQ on {request.Calibration.Count} calibration samples ({request.Bits} bits, blocks of {request.BlockSize})");
                    gptq = NBitsGptqCodes.Solve(model, request.Calibration, request.Bits, request.BlockSize, progress: progress);
                }
                var r = PackNBits(proto, request, gptq);
                if (r.MatMuls == 0) throw new CondenseException($"{model.Source}: no MatMul/Gemm by a constant weight to pack");
                var rounding = gptq is null ? "round-to-nearest" : "gptq";
                return (proto, $"{r.MatMuls} MatMul/Gemm -> MatMulNBits ({request.Bits} bits, blocks of {request.BlockSize}, accuracy_level {request.AccuracyLevel}, {(request.Symmetric ? "symmetric" : "zero points")}, {rounding})"
                    + (r.Gathers > 0 ? $"; {r.Gathers} embedding Gather -> GatherBlockQuantized (uint4)" : ""), (rounding, reason));
            }
        }
    }

    /// <summary>Why nbits rounds to nearest for this request, or null when it runs GPTQ (real calibration data, zero-point grid).</summary>
    public static string? NBitsRoundingReason(RuntimeCompressionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.DataFree) return "--data-free";
        if (request.Calibration.Count == 0 || request.DataIsRandom) return "no calibration data (GPTQ needs real inputs: give --data)";
        if (request.Symmetric) return "--symmetric (GPTQ solves the zero-point grid)";
        return null;
    }

    static WeightOnlyQuantizer.Result PackNBits(ModelProto proto, RuntimeCompressionRequest request, IReadOnlyDictionary<string, BlockCodes>? codes) =>
        WeightOnlyQuantizer.Quantize(proto, request.Bits, request.BlockSize, request.AccuracyLevel, request.Symmetric, request.Goal != RuntimeGoal.Speed,
            codes is null ? null : (name, _, _, _) => codes.GetValueOrDefault(name));

    /// <summary>Held-out cosine of the result and of round-to-nearest on the same grid (both through ONNX Runtime); none on random data.</summary>
    static NBitsRounding HeldOutRounding(OnnxModel model, ModelProto result, (string Rounding, string? Reason) nbits, RuntimeCompressionRequest request, Action<string>? progress)
    {
        if (request.DataIsRandom || request.HeldOut.Count == 0) return new NBitsRounding(nbits.Rounding, nbits.Reason, null, null);
        progress?.Invoke($"held-out cosine on {request.HeldOut.Count} samples");
        var original = HeldOutQuality.Outputs(model.Proto, model.Source, request.HeldOut);
        var cosine = HeldOutQuality.MeanCosine(original, HeldOutQuality.Outputs(result, request.OutputPath, request.HeldOut));
        var rtnCosine = cosine;
        if (nbits.Rounding == "gptq")
        {
            var rtn = model.Proto.Clone();
            PackNBits(rtn, request, null);
            rtnCosine = HeldOutQuality.MeanCosine(original, HeldOutQuality.Outputs(rtn, request.OutputPath + " (round-to-nearest)", request.HeldOut));
        }
        return new NBitsRounding(nbits.Rounding, nbits.Reason, cosine, rtnCosine);
    }

    static string RangeName(RangeCalibration r) => r switch
    {
        RangeCalibration.MinMax => "min/max",
        RangeCalibration.Percentile => "percentile",
        _ => "entropy",
    };

    /// <summary>Cosine and relative difference per float output, original vs result, in ONNX Runtime.</summary>
    public static IReadOnlyList<OutputAgreement> Compare(OnnxModel original, byte[] result, IReadOnlyList<IReadOnlyList<TensorProto>> samples)
    {
        var originalProto = original.Proto.Clone();
        OnnxOpsetUpgrade.ToOpset7(originalProto, original.Source);
        using var a = new OnnxRuntimeRunner(originalProto.ToByteArray(), original.Source);
        using var b = new OnnxRuntimeRunner(result, original.Source + " (compressed)");
        var sums = new Dictionary<string, (double Cos, double Min, double MaxDiff, double MaxAbs, int N)>(StringComparer.Ordinal);
        foreach (var sample in samples)
        {
            var x = a.Run(sample);
            var y = b.Run(sample);
            for (int i = 0; i < x.Count; i++)
            {
                if (!OnnxTensorData.IsFloat(x[i].DataType)) continue;
                var u = OnnxTensorData.ToFloat32(x[i]);
                var v = OnnxTensorData.ToFloat32(y[i]);
                double dot = 0, nu = 0, nv = 0, maxDiff = 0, maxAbs = 0;
                for (int j = 0; j < u.Length; j++)
                {
                    dot += (double)u[j] * v[j]; nu += (double)u[j] * u[j]; nv += (double)v[j] * v[j];
                    maxDiff = Math.Max(maxDiff, Math.Abs(u[j] - v[j])); maxAbs = Math.Max(maxAbs, Math.Abs(u[j]));
                }
                var cos = nu == 0 && nv == 0 ? 1 : dot / Math.Sqrt(nu * nv);
                var s = sums.GetValueOrDefault(x[i].Name, (0, 1, 0, 0, 0));
                sums[x[i].Name] = (s.Cos + cos, Math.Min(s.Min, cos), Math.Max(s.MaxDiff, maxDiff), Math.Max(s.MaxAbs, maxAbs), s.N + 1);
            }
        }
        return sums.Select(p => new OutputAgreement(p.Key, p.Value.Cos / p.Value.N, p.Value.Min, p.Value.MaxAbs > 0 ? p.Value.MaxDiff / p.Value.MaxAbs : 0)).ToList();
    }

    /// <summary>One sample repeated <paramref name="batch"/> times along axis 0.</summary>
    public static IReadOnlyList<TensorProto> Tile(IReadOnlyList<TensorProto> sample, int batch)
    {
        if (batch == 1) return sample;
        return sample.Select(t =>
        {
            var raw = OnnxTensorData.ToRawBytes(t);
            var tiled = new byte[raw.Length * batch];
            for (int i = 0; i < batch; i++) raw.CopyTo(tiled, i * raw.Length);
            var r = new TensorProto { Name = t.Name, DataType = t.DataType, RawData = ByteString.CopyFrom(tiled) };
            r.Dims.Add(t.Dims[0] * batch);
            r.Dims.AddRange(t.Dims.Skip(1));
            return r;
        }).ToList();
    }
}
