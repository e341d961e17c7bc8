using System.CommandLine;
using Condense.Formats;
using Condense.Formats.Onnx;
using Condense.Models;
using Condense.Pruning;
using Condense.Workflows.MlpPrune;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense prune MODEL --method global --sparsity 0.9 [--finetune-epochs E] -o OUT --report r.json</c>:
/// prunes a saved model, fine-tunes it with the masks enforced, writes it sparse (or, for
/// structured pruning, as a smaller dense model) and reports density, accuracy and bytes.
/// </summary>
public static class PruneCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "A model written by 'condense train' (.safetensors), or any ONNX model (recognised by content)" };
        var method = new Option<string>("--method") { Description = "magnitude | global | structured | snip | grasp | synflow | random; while training: variational-dropout | group-variational-dropout (MLP neurons removed, writes .safetensors) | agp (MLPs and CNNs); ONNX: sparsegpt | magnitude (global = magnitude)", DefaultValueFactory = _ => "global" };
        var sparsity = new Option<double>("--sparsity") { Description = "Share of weights to prune, in [0, 1) (structured: share of hidden neurons)", DefaultValueFactory = _ => 0.9 };
        var layers = new Option<string?>("--layers") { Description = "Comma-separated layers to prune (default: all), e.g. fc1,fc2 (CNNs: conv1,conv2 too)" };
        var finetune = new Option<int>("--finetune-epochs") { Description = "Epochs of fine-tuning with the masks enforced (0 = none)", DefaultValueFactory = _ => 0 };
        var lr = new Option<double>("--finetune-lr") { Description = "Adam learning rate for fine-tuning", DefaultValueFactory = _ => 2e-3 };
        var ftDropout = new Option<double?>("--finetune-dropout") { Description = "Dropout while fine-tuning (default: Han et al.'s D·√density)" };
        var data = new Option<string?>("--data") { Description = "Data for SNIP/GraSP, evaluation and fine-tuning (default: the model's; 'none' prunes without data)" };
        var format = new Option<string>("--format") { Description = "relative (Deep Compression's relative indices) | csr | dense", DefaultValueFactory = _ => "relative" };
        var bits = new Option<int?>("--bits") { Description = "Relative-index width in bits, 1–8 (default: cheapest per layer)" };
        var seed = new Option<int>("--seed") { Description = "Seed for random pruning, SNIP/GraSP samples and fine-tuning", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--output", "-o") { Description = "Output: a .csparse file, or .safetensors for a dense file (structured: the smaller model; CNNs: zeros in place)", Required = true };
        var report = new Option<string?>("--report") { Description = "Write the report as JSON here" };
        var json = CliConsole.JsonOption();
        var command = new Command("prune", "Prune a model, fine-tune it, and write it in a file that really is smaller.")
        {
            model, method, sparsity, layers, finetune, lr, ftDropout, data, format, bits, seed, output, report, json,
        };
        var onnx = new OnnxPrune();
        onnx.AddTo(command);
        command.SetAction(parse =>
        {
            var path = parse.GetValue(model)!;
            if (OnnxSniffer.LooksLikeOnnx(path)) return onnx.Run(parse, path, parse.GetValue(output)!, parse.GetValue(method)!, parse.GetValue(sparsity),
                parse.GetResult(sparsity) is { Implicit: false }, parse.GetValue(bits), (int)parse.GetValue(seed), parse.GetValue(json));
            var storage = new SparseStorageOptions { Encoding = ParseFormat(parse.GetValue(format)!), Bits = parse.GetValue(bits) };
            if (TrainingTimePruning.TryParse(parse.GetValue(method)!, out var during))
                return PruneDuringTraining.Run(parse, new(path, during, parse.GetValue(sparsity), parse.GetResult(finetune) is { Implicit: false } ? parse.GetValue(finetune) : 10,
                    parse.GetValue(lr), parse.GetValue(data), storage, parse.GetValue(seed), parse.GetValue(output)!, parse.GetValue(report)), parse.GetValue(json));
            var criterion = PruningCriteria.Parse(parse.GetValue(method)!);
            var epochs = parse.GetValue(finetune);
            var outPath = parse.GetValue(output)!;
            Func<MlpPruneRequest, MlpPruneReport> prune = Condense.Models.Cnn.CnnModelFile.IsCnnFile(path) ? Condense.Workflows.Cnn.CnnPruneWorkflow.Run : MlpPruneWorkflow.Run;
            var r = prune(new MlpPruneRequest(path, criterion, parse.GetValue(sparsity),
                parse.GetValue(layers)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), epochs,
                parse.GetValue(lr), parse.GetValue(ftDropout), parse.GetValue(data), storage, parse.GetValue(seed), outPath));
            var (before, after, tuned, outcome, finalLayers) = (r.Dense, r.Pruned, r.FineTuned, r.Outcome, r.Layers);
            var result = new
            {
                model = path,
                method = criterion.Name(),
                requestedSparsity = parse.GetValue(sparsity),
                sparsity = outcome.Sparsity,
                layers = finalLayers.Select(l => new { name = l.Name, total = l.Total, nonzero = l.Nonzero, density = l.Density, collapsed = l.Collapsed }),
                accuracy = new { dense = before?.Accuracy, pruned = after?.Accuracy, fineTuned = tuned?.Accuracy },
                score = new { dense = before?.Score, pruned = after?.Score, fineTuned = tuned?.Score },
                fineTuneEpochs = epochs,
                compacted = r.CompactedSizes is { } sizes ? new { sizes, parameters = r.CompactedParameters, maxAbsOutputDifference = r.CompactionError } : null,
                bytes = new
                {
                    denseSafetensors = r.DenseBytes,
                    output = r.OutputBytes,
                    ratio = (double)r.OutputBytes / r.DenseBytes,
                    tensors = r.Sparse?.Tensors.Select(t => new { name = t.Name, encoding = t.Encoding.ToString(), bits = t.Bits, nonzeros = t.Nonzeros, entries = t.Entries, bytes = t.Bytes }),
                    headerBytes = r.Sparse?.HeaderBytes,
                },
                output = outPath,
                pruneSeconds = outcome.Seconds,
            };
            if (parse.GetValue(report) is { } reportPath)
                AtomicFile.WriteAllText(reportPath, System.Text.Json.JsonSerializer.Serialize(result, CliConsole.Json));
            if (parse.GetValue(json))
            {
                CliConsole.WriteJson(parse, result);
                return 0;
            }
            var console = CliConsole.For(parse);
            var table = new Table().AddColumns("layer", "weights", "nonzero", "density", "");
            foreach (var l in finalLayers)
                table.AddRow(l.Name, l.Total.ToString("N0"), l.Nonzero.ToString("N0"), l.Density.ToString("P2"), l.Collapsed ? "[red]collapsed[/]" : "");
            console.Write(table);
            string Show(Evaluation? e) => e?.ToString() ?? "n/a (no data)";
            console.WriteLine($"{criterion.Name()} at {outcome.Sparsity:P2} sparsity: dense {Show(before)}, pruned {Show(after)}" + (tuned is null ? "" : $", after {epochs} epochs of fine-tuning {tuned}"));
            if (r.CompactedSizes is { } compacted)
                console.WriteLine($"compacted to sizes {string.Join("-", compacted)} ({r.CompactedParameters:N0} parameters), max output difference {r.CompactionError:G3}");
            console.WriteLine($"wrote {outPath}: {r.OutputBytes:N0} bytes; dense safetensors {r.DenseBytes:N0} bytes; ratio {(double)r.OutputBytes / r.DenseBytes:F3}");
            return 0;
        });
        return command;
    }

    static SparseEncoding ParseFormat(string name) => name.ToLowerInvariant() switch
    {
        "relative" => SparseEncoding.RelativeIndex,
        "csr" => SparseEncoding.Csr,
        "dense" => SparseEncoding.Dense,
        _ => throw new CondenseException($"unknown sparse format '{name}' (known: relative, csr, dense)"),
    };
}
