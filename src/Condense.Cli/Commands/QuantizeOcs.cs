using System.CommandLine;
using Condense.Data;
using Condense.Models;
using Condense.Quantization;
using Spectre.Console;
using static TorchSharp.torch;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense quantize MODEL --ocs RATIO --bits B -o OUT</c>: outlier channel splitting against
/// clipping and plain linear, per layer on the test inputs each layer really sees, and the model's
/// accuracy each way; writes the OCS-quantized network (each layer the function of its widened
/// B-bit layer, folded back to float32, so <c>condense eval</c> reads it as a dense model).
/// </summary>
static class QuantizeOcs
{
    public static int Run(ParseResult parse, string modelPath, int bits, double ratio, int samples, string outPath, bool asJson)
    {
        var (net, card) = ModelFile.Load(modelPath);
        using var _ = net;
        var dataName = card.DataSet ?? DataSets.Mnist10k;
        var (_, test) = DataSets.Load(dataName);
        var inputs = LayerInputs.Capture(net, test, Math.Min(samples, test.Count));
        var original = net.Layers.Select(l => Values(l.Layer.weight!)).ToArray();
        var rows = new List<OcsLayerComparison>();
        var ways = new[] { new List<float[]>(), new List<float[]>(), new List<float[]>(), new List<float[]>() };
        for (var i = 0; i < net.Layers.Count; i++)
        {
            var shape = net.Layers[i].Layer.weight!.shape;
            int r = (int)shape[0], c = (int)shape[1];
            var w = original[i];
            rows.Add(OcsComparison.Compare(net.Layers[i].Name, w, r, c, bits, ratio, qs =>
            {
                for (var k = 0; k < 4; k++) ways[k].Add(qs[k]);
                return qs.Select(q => OcsComparison.RelativeOutputError(w, q, r, c, inputs[i])).ToArray();
            }));
        }
        var accuracy = new double[5];
        accuracy[4] = Evaluator.Evaluate(net, test).Accuracy ?? double.NaN;
        foreach (var k in new[] { 0, 1, 3, 2 })   // OCS (2) last: it is what the file holds
        {
            Set(net, ways[k]);
            accuracy[k] = Evaluator.Evaluate(net, test).Accuracy ?? double.NaN;
        }
        ModelFile.Save(outPath, net, card with { Test = null, Extra = new Dictionary<string, string> { ["quantization"] = $"ocs ratio {ratio} {bits}-bit (folded float32)" } });
        if (asJson)
        {
            CliConsole.WriteJson(parse, new
            {
                model = modelPath, output = outPath, data = dataName, bits, expand_ratio = ratio, samples = Math.Min(samples, test.Count), layers = rows,
                accuracy = new { fp32 = accuracy[4], plain = accuracy[0], clipped = accuracy[1], ocs = accuracy[2], ocs_clipped = accuracy[3] },
            });
            return 0;
        }
        var table = new Table().Title($"{modelPath}: {bits}-bit symmetric linear, OCS expand ratio {ratio}; relative output error on {Math.Min(samples, test.Count)} test inputs")
            .AddColumns("layer", "splits", "plain", "clipped (MSE-opt.)", "clip / max", "OCS", "OCS + clip");
        foreach (var l in rows)
            table.AddRow(l.Layer, l.Splits.ToString(), l.Plain.ToString("F4"), l.Clipped.ToString("F4"), l.ClipFraction.ToString("F3"), l.Ocs.ToString("F4"), l.OcsClipped.ToString("F4"));
        table.AddRow("accuracy", "", accuracy[0].ToString("P2"), accuracy[1].ToString("P2"), "", accuracy[2].ToString("P2"), accuracy[3].ToString("P2"));
        var console = CliConsole.For(parse);
        console.Profile.Width = Math.Max(console.Profile.Width, 140);
        console.Write(table);
        console.WriteLine($"fp32 accuracy {accuracy[4]:P2}; wrote {outPath} (the OCS network, each layer folded to float32)");
        return 0;
    }

    static float[] Values(Tensor t)
    {
        using var c = t.detach().cpu().contiguous();
        return c.data<float>().ToArray();
    }

    static void Set(MlpModel net, IReadOnlyList<float[]> weights)
    {
        using var _ = no_grad();
        for (var i = 0; i < net.Layers.Count; i++)
        {
            var w = net.Layers[i].Layer.weight!;
            using var src = tensor(weights[i], w.shape);
            w.copy_(src);
        }
    }
}
