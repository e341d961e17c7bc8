using System.CommandLine;
using Condense.Formats.Onnx;
using System.Globalization;
using Condense.Data;
using Condense.LowRank;
using Condense.Models;
using Spectre.Console;

using Condense.Cli.Reports;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense lowrank MODEL --layer fc2 --ranks 10,25,50,100,200,400 [--randomized] [--plus-sparse 0.01] [--plot acc.png] [-o FILE]</c>:
/// replace one layer by its rank-r approximation for each r and report parameters, ratio, relative
/// errors and test accuracy; with <c>--plus-sparse F</c> also by the low-rank + sparse split L + S
/// (S holding the fraction F of the entries) beside each rank; optionally plot accuracy and error
/// against rank and the spectrum; with one rank, <c>-o FILE</c> writes that network for <c>condense eval</c>.
/// </summary>
public static class LowRankCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "A model written by 'condense train' (.safetensors), or any ONNX model (recognised by content)" };
        var layer = new Option<string>("--layer") { Description = "The layer to factorise (fc1, fc2, …)", DefaultValueFactory = _ => "fc2" };
        var ranks = new Option<string>("--ranks") { Description = "Comma-separated ranks", DefaultValueFactory = _ => "10,25,50,100,200,400" };
        var randomized = new Option<bool>("--randomized") { Description = "Randomized SVD (p oversamples, q power iterations) instead of the exact SVD" };
        var oversamples = new Option<int>("--oversamples") { Description = "p for --randomized", DefaultValueFactory = _ => 10 };
        var iterations = new Option<int>("--power-iterations") { Description = "q for --randomized", DefaultValueFactory = _ => 2 };
        var seed = new Option<int>("--seed") { Description = "Seed of the randomized SVD", DefaultValueFactory = _ => 0 };
        var data = new Option<string?>("--data") { Description = "Data set (default: the one the model was trained on)" };
        var plusSparse = new Option<double?>("--plus-sparse") { Description = "Also split W ≈ L + S at each rank (GoDec), S keeping this fraction of the entries (e.g. 0.01)" };
        var plot = new Option<string?>("--plot") { Description = "Write accuracy/error against rank to this PNG, and the spectrum beside it (NAME-spectrum.png)" };
        var json = CliConsole.JsonOption();
        var command = new Command("lowrank", "Replace a layer by rank-r factors and measure error and accuracy for each r.")
        {
            model, layer, ranks, randomized, oversamples, iterations, seed, plusSparse, data, plot, json,
        };
        var onnx = new OnnxLowRank();
        onnx.AddTo(command);
        command.SetAction(parse =>
        {
            if (OnnxSniffer.LooksLikeOnnx(parse.GetValue(model)!)) return onnx.Run(parse, parse.GetValue(model)!, (int)parse.GetValue(seed), parse.GetValue(json));
            var rankList = OptionValues.ParseRanks(parse.GetValue(ranks)!);
            var options = new RandomizedSvdOptions
            {
                Oversamples = parse.GetValue(oversamples),
                PowerIterations = parse.GetValue(iterations),
                Seed = parse.GetValue(seed),
            };
            var budget = parse.GetValue(plusSparse) is { } fraction ? SparseBudget.OfFraction(fraction) : (SparseBudget?)null;
            var path = parse.GetValue(model)!;
            CondenseModel net;
            ModelCard card;
            var cnn = Condense.Models.Cnn.CnnModelFile.IsCnnFile(path);
            if (cnn) (net, card) = Condense.Models.Cnn.CnnModelFile.Load(path);   // conv kernels as out × (in·k·k) matrices
            else (net, card) = ModelFile.Load(path);
            using (net)
            {
                var dataName = parse.GetValue(data) ?? card.DataSet ?? DataSets.Mnist10k;
                var (_, test) = DataSets.Load(dataName);
                var layerName = parse.GetValue(layer)!;
                // --output is OnnxLowRank's option; for a classifier it names the factorised (or L + S) network.
                if (cnn && parse.GetValue<string?>("--output") is { } cnnOut) LowRankOutput.WriteCnnAtRank(parse, (Condense.Models.Cnn.CnnModel)net, layerName, rankList[0], cnnOut, dataName);
                else if (parse.GetValue<string?>("--output") is { } outPath)
                    LowRankOutput.Write(parse, path, (MlpModel)net, layerName, rankList, budget, parse.GetValue(randomized) ? options : null, outPath, dataName);
                var sweep = RankSweep.Run(net, layerName, rankList, test, parse.GetValue(randomized), options, budget);
                var plotPath = parse.GetValue(plot);
                if (plotPath is not null)
                {
                    LowRankPlots.AccuracyAndError(plotPath, sweep, $"{Path.GetFileName(path)}: {layerName} ({sweep.Rows}×{sweep.Columns}) at rank r, {sweep.Method} SVD");
                    LowRankPlots.Spectrum(LowRankPlots.Sibling(plotPath, "spectrum"), [($"{layerName}, effective rank {sweep.EffectiveRank:F1}", sweep.SingularValues)],
                        $"{Path.GetFileName(path)}: singular values of {layerName}");
                }
                var notes = sweep.Points.Select(p => LowRankLinear.CompressionNote(sweep.Rows, sweep.Columns, p.Rank)).OfType<string>().ToList();
                notes.AddRange(PlusSparseNotes(sweep));
                if (parse.GetValue(json))
                {
                    CliConsole.WriteJson(parse, new
                    {
                        model = path, data = dataName, layer = layerName, rows = sweep.Rows, columns = sweep.Columns, method = sweep.Method,
                        plus_sparse_fraction = sweep.PlusSparse?.Fraction,
                        full_accuracy = sweep.FullAccuracy, full_loss = sweep.FullLoss, effective_rank = sweep.EffectiveRank,
                        break_even_rank = sweep.BreakEvenRank, smallest_rank_within_half_point = sweep.SmallestRankWithin(0.5),
                        points = sweep.Points, notes, singular_values = sweep.SingularValues,
                        plots = plotPath is null ? null : new[] { plotPath, LowRankPlots.Sibling(plotPath, "spectrum") },
                    });
                    return 0;
                }
                var console = CliConsole.For(parse);
                console.Write(RankSweepView.Table(sweep));
                console.WriteLine($"full model: {(sweep.FullAccuracy is { } a ? $"accuracy {a:P2}" : $"loss {sweep.FullLoss:F5}")}; {layerName} effective rank {sweep.EffectiveRank:F1}; break-even rank mn/(m+n) = {sweep.BreakEvenRank:F1}");
                if (sweep.SmallestRankWithin(0.5) is { } within)
                    console.WriteLine($"smallest rank within 0.5 points of the full model: {within}");
                foreach (var note in notes) console.WriteLine($"note: {note}");
                if (plotPath is not null) console.WriteLine($"wrote {plotPath} and {LowRankPlots.Sibling(plotPath, "spectrum")}");
                return 0;
            }
        });
        return command;
    }

    /// <summary>What the "r + S" rows count, and each split's compact size and GoDec iterations.</summary>
    static IEnumerable<string> PlusSparseNotes(RankSweepResult sweep)
    {
        if (sweep.PlusSparse is not { } budget) yield break;
        var first = sweep.Points.Select(p => p.PlusSparse).OfType<LowRankPlusSparsePoint>().FirstOrDefault();
        if (first is null) yield break;
        yield return $"r + S: W ≈ L + S by GoDec ({sweep.Method} SVD), S holding {budget} of the weights ({first.SparseCount.ToString("N0", CultureInfo.InvariantCulture)} entries); "
            + "parameters r(m + n) + s; × smaller by bytes, each entry of S a value and an int32 index";
        foreach (var p in sweep.Points)
            if (p.PlusSparse is { } s)
                yield return $"r = {p.Rank.ToString(CultureInfo.InvariantCulture)} + S: {s.StorageBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes; "
                    + $"{s.CompactStorageBytes.ToString("N0", CultureInfo.InvariantCulture)} with relative indices ({s.CompactTimesSmaller.ToString("F2", CultureInfo.InvariantCulture)}× smaller); "
                    + $"{s.Iterations.ToString(CultureInfo.InvariantCulture)} GoDec iterations{(s.Converged ? "" : " (iteration limit reached)")}; "
                    + $"the same bytes as plain rank {s.EqualStorageRank.ToString(CultureInfo.InvariantCulture)}: rel. Frobenius err "
                    + $"{s.EqualStorageRelativeFrobeniusError.ToString("F4", CultureInfo.InvariantCulture)} vs {s.RelativeFrobeniusError.ToString("F4", CultureInfo.InvariantCulture)}";
    }
}
