using System.CommandLine;
using Condense.Formats.Onnx;
using Onnx;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>The ONNX branch of <c>condense info</c>: opset, IR version, inputs, outputs, nodes, parameter tensors.</summary>
public static class OnnxInfo
{
    /// <param name="parse">The parsed command line (for the output writer).</param>
    /// <param name="path">The model file.</param>
    /// <param name="json">JSON instead of tables.</param>
    /// <param name="shapes">When given (<c>--input-shape</c>), the model is also run once on random inputs of those shapes and its outputs listed.</param>
    public static int Run(ParseResult parse, string path, bool json, OnnxInputShapes? shapes = null)
    {
        var model = OnnxReader.Read(path);
        var probe = shapes is null ? null : OnnxVerifier.Probe(model, shapes);
        var proto = model.Proto;
        var parameters = model.Parameters;
        var ops = proto.Graph.Node.GroupBy(n => string.IsNullOrEmpty(n.Domain) ? n.OpType : $"{n.Domain}.{n.OpType}")
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => (Op: g.Key, Count: g.Count())).ToList();
        var initializers = proto.Graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = proto.Graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        var bytes = new FileInfo(path).Length;
        var parameterBytes = parameters.Sum(p => p.Bytes);
        var parameterCount = parameters.Sum(p => p.ElementCount);
        if (json)
        {
            CliConsole.WriteJson(parse, new
            {
                file = path,
                format = "onnx",
                bytes,
                irVersion = proto.IrVersion,
                opsets = proto.OpsetImport.Select(o => new { domain = o.Domain.Length == 0 ? "ai.onnx" : o.Domain, version = o.Version }),
                producer = $"{proto.ProducerName} {proto.ProducerVersion}".Trim(),
                inputs = inputs.Select(Describe),
                outputs = proto.Graph.Output.Select(Describe),
                nodes = proto.Graph.Node.Count,
                ops = ops.Select(o => new { op = o.Op, count = o.Count }),
                parameters = parameterCount,
                parameterBytes,
                tensors = parameters.Select(p => new { name = p.Name, graph = p.GraphPath, source = p.Source.ToString(), dtype = p.TypeName, shape = p.Shape, elements = p.ElementCount, bytes = p.Bytes }),
                metadata = proto.MetadataProps.ToDictionary(m => m.Key, m => m.Value),
                run = probe is null ? null : new { inputs = probe.InputSource, outputs = probe.Outputs.Select(o => new { name = o.Name, dtype = o.DataType, shape = o.Shape }) },
            });
            return 0;
        }
        var console = CliConsole.For(parse);
        console.WriteLine($"{path}: ONNX, IR version {proto.IrVersion}, opset {string.Join(", ", proto.OpsetImport.Select(o => $"{(o.Domain.Length == 0 ? "ai.onnx" : o.Domain)} {o.Version}"))}" +
            (proto.ProducerName.Length > 0 ? $", produced by {proto.ProducerName} {proto.ProducerVersion}".TrimEnd() : ""));
        console.WriteLine($"inputs: {string.Join("; ", inputs.Select(Describe))}");
        console.WriteLine($"outputs: {string.Join("; ", proto.Graph.Output.Select(Describe))}");
        console.WriteLine($"nodes: {proto.Graph.Node.Count} ({string.Join(", ", ops.Select(o => $"{o.Op} ×{o.Count}"))})");
        var table = new Table().AddColumns("tensor", "from", "dtype", "shape", "elements", "bytes");
        foreach (var p in parameters)
            table.AddRow(Markup.Escape(p.GraphPath.Length > 0 ? $"{p.GraphPath}/{p.Name}" : p.Name), p.Source == OnnxParameterSource.Initializer ? "initializer" : "Constant", p.TypeName,
                Markup.Escape($"[{string.Join(", ", p.Shape)}]"), p.ElementCount.ToString("N0"), p.Bytes.ToString("N0"));
        console.Write(table);
        console.WriteLine($"{parameters.Count} parameter tensors, {parameterCount:N0} elements, {parameterBytes:N0} bytes of {bytes:N0} in the file");
        foreach (var m in proto.MetadataProps) console.WriteLine($"  {m.Key} = {m.Value}");
        if (probe is not null)
            console.WriteLine($"runs in ONNX Runtime on {probe.InputSource}: {string.Join("; ", probe.Outputs.Select(o => $"{o.Name} {o.DataType} [{string.Join(", ", o.Shape)}]"))}");
        return 0;
    }

    static string Describe(ValueInfoProto v)
    {
        var t = v.Type?.TensorType;
        if (t is null) return v.Name;
        var dims = t.Shape is null ? "?" : string.Join(", ", t.Shape.Dim.Select(d => d.HasDimValue ? d.DimValue.ToString() : d.DimParam.Length > 0 ? d.DimParam : "?"));
        return $"{v.Name} {OnnxTensorData.TypeName(t.ElemType)} [{dims}]";
    }
}
