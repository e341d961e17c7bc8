using System.CommandLine;
using Condense.Data;
using Condense.Formats.Onnx;
using Condense.Formats.Onnx.Cnn;
using Condense.Hashing;
using Condense.Models;
using Condense.Models.Cnn;
using Condense.Workflows;
using Condense.Workflows.Bench;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary><c>condense hash</c>: train a HashedNets network at a compression factor and compare it with an equal-size dense network and an equal-size low-rank (factorised) one.</summary>
public static class HashCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Architecture to hash: classifier (784-1000-1000-10) | lenet300 | lenet5 | vgg | resnet (CNNs: every conv kernel and Linear weight hashed)", DefaultValueFactory = _ => "classifier" };
        var factor = new Option<double>("--factor") { Description = "Compression factor, virtual / real weights per layer (> 1; the paper's 8, 16, 32, 64)", DefaultValueFactory = _ => 8 };
        var hashes = new Option<int>("--hashes") { Description = "Hash functions per weight (multi-hashing), 1–16", DefaultValueFactory = _ => 1 };
        var reduction = new Option<HashReduction>("--reduction") { Description = "How multiple hashes combine: Sum | Product | Max | Min", DefaultValueFactory = _ => HashReduction.Sum };
        var buckets = new Option<string>("--buckets") { Description = "Multi-hashing: shared (one pool) or separate (m buckets of K/m)", DefaultValueFactory = _ => "shared" };
        buckets.AcceptOnlyFromAmong("shared", "separate");
        var sweep = new Option<string?>("--sweep") { Description = "Instead: train m = each of these (e.g. 1,2,4) with every reduction at equal stored parameters" };
        var output = new Option<string?>("--output", "-o") { Description = "Write the trained hashed network: .safetensors (pools and seeds) or .onnx (index tables, ONNX Runtime)" };
        var structured = new Option<bool>("--structured") { Description = "Also train the structured multi-hashing variant (θ = U·V reshaped)" };
        var data = new Option<string>("--data") { Description = "mnist10k | fashion", DefaultValueFactory = _ => DataSets.Mnist10k };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs for every network", DefaultValueFactory = _ => 5 };
        var dropout = new Option<double>("--dropout") { Description = "Dropout after hidden layers, same for every network (MLPs only)", DefaultValueFactory = _ => 0.2 };
        var seed = new Option<int>("--seed") { Description = "Seed for hashes, initial weights and shuffling", DefaultValueFactory = _ => 0 };
        var json = CliConsole.JsonOption();
        var command = new Command("hash", "Train a HashedNets network and compare it with an equal-size dense network and an equal-size low-rank one.")
        {
            model, factor, hashes, reduction, buckets, sweep, output, structured, data, epochs, dropout, seed, json,
        };
        command.SetAction(parse =>
        {
            if (CnnFactory.IsCnn(parse.GetValue(model)!))
            {
                if (parse.GetValue(structured) || parse.GetValue(sweep) is not null)
                    throw new CondenseException("hash: --structured and --sweep work on the MLPs (classifier, lenet300), not on CNNs");
                return Cnn(parse, parse.GetValue(model)!, new HashingOptions
                {
                    Factor = parse.GetValue(factor), Hashes = parse.GetValue(hashes), Reduction = parse.GetValue(reduction), Seed = parse.GetValue(seed),
                    SeparateBuckets = parse.GetValue(buckets) == "separate",
                }, parse.GetValue(data)!, parse.GetValue(epochs), parse.GetValue(output), parse.GetValue(json));
            }
            var kind = ModelFactory.ParseKind(parse.GetValue(model)!);
            if (kind == ModelKind.Autoencoder) throw new CondenseException("hash: only the classifiers (classifier, lenet300) can be hashed");
            var options = new HashingOptions
            {
                Factor = parse.GetValue(factor), Hashes = parse.GetValue(hashes), Reduction = parse.GetValue(reduction), Seed = parse.GetValue(seed),
                SeparateBuckets = parse.GetValue(buckets) == "separate",
            };
            var training = TrainingOptions.For(kind) with { Epochs = parse.GetValue(epochs), Seed = parse.GetValue(seed) };
            var asJson = parse.GetValue(json);
            if (parse.GetValue(sweep) is { } list)
                return Sweep(parse, new MultiHashSweepRequest(parse.GetValue(model)!, parse.GetValue(data)!, options.Factor, OptionValues.ParseRanks(list),
                    options.SeparateBuckets, training.Epochs, parse.GetValue(dropout), training.Seed), asJson);
            var (train, test) = DataSets.Load(parse.GetValue(data)!);
            var console = CliConsole.For(parse);
            var sizes = kind == ModelKind.Classifier ? new[] { 784, 1000, 1000, 10 } : [784, 300, 100, 10];
            var outPath = parse.GetValue(output);
            var rows = HashingComparison.Run(sizes, options, train, test, training, parse.GetValue(dropout), parse.GetValue(structured),
                asJson ? null : console.WriteLine, trained: outPath is null ? null : net => Save(outPath, net, parse.GetValue(data)!));
            if (asJson)
            {
                CliConsole.WriteJson(parse, new { model = kind.ToString(), data = parse.GetValue(data), factor = options.Factor, hashes = options.Hashes,
                    reduction = options.Reduction.ToString(), epochs = training.Epochs, dropout = parse.GetValue(dropout), seed = training.Seed,
                    rows });
                return 0;
            }
            var table = new Table().AddColumns("network", "sizes", "real params", "virtual params", "factor", "test accuracy", "seconds");
            foreach (var r in rows)
                table.AddRow(Markup.Escape(r.Network), r.Sizes, r.RealParameters.ToString("N0"), r.VirtualParameters.ToString("N0"),
                    $"{r.CompressionFactor:F1}×", r.Accuracy.ToString("P2"), r.Seconds.ToString("F1"));
            console.Write(table);
            if (outPath is not null) console.WriteLine($"wrote {outPath}");
            return 0;
        });
        return command;
    }

    /// <summary>A hashed CNN against its dense network (<see cref="HashedCnnComparison"/>); <c>-o</c> writes the hashed one as ONNX (run in ONNX Runtime first) or safetensors.</summary>
    static int Cnn(System.CommandLine.ParseResult parse, string name, HashingOptions options, string dataSet, int epochs, string? outPath, bool asJson)
    {
        var training = TrainingOptions.For(ModelKind.Classifier) with { Epochs = epochs, Seed = options.Seed };
        var (train, test) = DataSets.Load(dataSet);
        var console = CliConsole.For(parse);
        var rows = HashedCnnComparison.Run(name, dataSet, options, train, test, training, asJson ? null : console.WriteLine,
            trained: outPath is null ? null : net =>
            {
                if (string.Equals(Path.GetExtension(outPath), ".onnx", StringComparison.OrdinalIgnoreCase))
                {
                    var count = Math.Min(256, test.Count);
                    HashedCnnOnnxExporter.Write(outPath, net, test.Images[..(count * test.Features)], count, dataSet);
                }
                else ModelFiles.Save(outPath, net, new ModelCard(dataSet, training));
            });
        if (asJson)
        {
            CliConsole.WriteJson(parse, new { model = name, data = dataSet, factor = options.Factor, hashes = options.Hashes,
                reduction = options.Reduction.ToString(), epochs, seed = options.Seed, rows });
            return 0;
        }
        var table = new Table().AddColumns("network", "widths", "real params", "virtual params", "factor", "test accuracy", "seconds");
        foreach (var r in rows)
            table.AddRow(Markup.Escape(r.Network), Markup.Escape(r.Sizes), r.RealParameters.ToString("N0"), r.VirtualParameters.ToString("N0"),
                $"{r.CompressionFactor:F1}×", r.Accuracy.ToString("P2"), r.Seconds.ToString("F1"));
        console.Write(table);
        if (outPath is not null) console.WriteLine($"wrote {outPath}");
        return 0;
    }

    /// <summary>The trained network as ONNX or as the safetensors file <see cref="ModelFiles"/> reads, carrying the data set so <c>condense eval</c> scores it on the same test split.</summary>
    static void Save(string path, HashedMlp net, string dataSet)
    {
        if (string.Equals(Path.GetExtension(path), ".onnx", StringComparison.OrdinalIgnoreCase)) OnnxWriter.Write(path, HashedOnnxExporter.Export(net));
        else ModelFiles.Save(path, net, new ModelCard(dataSet));
    }

    static int Sweep(System.CommandLine.ParseResult parse, MultiHashSweepRequest request, bool asJson)
    {
        var console = CliConsole.For(parse);
        var report = MultiHashSweep.Run(request, asJson ? null : console.WriteLine);
        var rows = report.Rows;
        if (asJson)
        {
            CliConsole.WriteReport(parse, report);
            return 0;
        }
        var table = new Table().AddColumns("m", "reduction", "buckets", "real params", "factor", "test accuracy", "seconds");
        foreach (var r in rows)
            table.AddRow(r.Hashes.ToString(), r.Reduction, r.Buckets, r.RealParameters.ToString("N0"), $"{r.CompressionFactor:F1}×", r.Accuracy.ToString("P2"), r.Seconds.ToString("F1"));
        console.Write(table);
        return 0;
    }
}
