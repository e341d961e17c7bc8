using System.CommandLine;
using System.Globalization;
using Condense.Data;
using Condense.Pruning;
using Condense.Workflows.Survey;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// The survey's pruning controls as <c>condense study</c> subcommands: <c>skeleton</c>
/// (relevance vs magnitude at equal neuron counts), <c>scratch</c> (pruned architecture from
/// scratch vs fine-tuned), <c>agp</c> (gradual vs one-shot), <c>vd</c> (sparse variational
/// dropout vs dense). Each writes &lt;study&gt;.json and the models it produced (files
/// <c>condense eval</c> reads) into the output folder.
/// </summary>
public static class StudySurveyCommands
{
    public static IEnumerable<Command> Create() =>
    [
        Build("skeleton", "Skeletonization: hidden neurons removed by relevance (exact and Mozer & Smolensky's estimate) vs by weight magnitude."),
        Build("scratch", "Pruned architecture trained from scratch vs fine-tuned (structured and unstructured), same total epochs."),
        Build("agp", "Gradual pruning (Zhu & Gupta's AGP) vs one-shot magnitude pruning + fine-tuning, same epochs."),
        Build("vd", "Sparse variational dropout vs the same network trained densely for the same total epochs."),
    ];

    static Command Build(string name, string description)
    {
        var model = new Option<string>("--model") { Description = "lenet300 | classifier", DefaultValueFactory = _ => "lenet300" };
        var data = new Option<string>("--data") { Description = "mnist10k | fashion", DefaultValueFactory = _ => DataSets.Mnist10k };
        var epochs = new Option<int?>("--epochs") { Description = "Dense training epochs (default 10)" };
        var finetune = new Option<int?>("--finetune-epochs") { Description = "Fine-tuning epochs after pruning (default 5)" };
        var vdEpochs = new Option<int?>("--vd-epochs") { Description = "vd: epochs of sparse VD training (default 60)" };
        var anneal = new Option<int?>("--kl-anneal-epochs") { Description = "vd: epochs over which the KL weight rises 0 → 1 (default 10)" };
        var klWeight = new Option<double?>("--kl-weight") { Description = "vd: final KL weight β (default 1, the ELBO; N/60000 weighs the KL as MNIST's full training set would)" };
        var vdGamma = new Option<double?>("--vd-lr-gamma") { Description = "vd: learning rate factor per VD epoch (default none: fixed 1e-3)" };
        var vdSigmaRate = new Option<double?>("--vd-sigma-rate") { Description = "vd: multiplies log σ²'s learning rate only (default 1; 10 with --vd-groups neurons)" };
        var vdTune = new Option<int?>("--vd-finetune-epochs") { Description = "vd: epochs of fine-tuning the kept weights with the mask fixed after VD (default 0; the dense baseline gets them too)" };
        var vdSparsity = new Option<double?>("--vd-sparsity") { Description = "vd: prune exactly this share of weights, those with the largest log α (default: those with log α > --vd-threshold)" };
        var vdThreshold = new Option<double?>("--vd-threshold") { Description = "vd: prune weights with log α above this (default 3, the paper's)" };
        var vdGroups = new Option<string>("--vd-groups") { Description = "vd: weights (sparse VD, a mask) | neurons (group VD: whole hidden neurons removed, the model compacted)", DefaultValueFactory = _ => "weights" };
        vdGroups.AcceptOnlyFromAmong("weights", "neurons");
        var ramp = new Option<double?>("--agp-ramp") { Description = "agp: share of the fine-tuning over which sparsity ramps up (default 0.5)" };
        var sparsities = new Option<string?>("--sparsities") { Description = $"Comma-separated sparsities or neuron shares (default {string.Join(",", new SurveyStudyRequest { Study = name, OutputFolder = "" }.DefaultSparsities)}; vd ignores it)" };
        var limit = new Option<int?>("--train-limit") { Description = "Train on the first N examples only" };
        var quick = new Option<bool>("--quick") { Description = "2,000 training digits, 3 dense epochs, 2 fine-tuning epochs (vd: 15 epochs): seconds, not minutes" };
        var seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--output", "-o") { Description = "Folder for the JSON and the model files", DefaultValueFactory = _ => $"study-{name}" };
        var json = CliConsole.JsonOption();
        var command = new Command(name, description) { model, data, epochs, finetune, vdEpochs, anneal, klWeight, vdGamma, vdSigmaRate, vdTune, vdSparsity, vdThreshold, vdGroups, ramp, sparsities, limit, quick, seed, output, json };
        command.SetAction(parse =>
        {
            var request = new SurveyStudyRequest
            {
                Study = name, Model = parse.GetValue(model)!, Data = parse.GetValue(data)!, OutputFolder = parse.GetValue(output)!,
                Epochs = parse.GetValue(epochs), FineTuneEpochs = parse.GetValue(finetune), VdEpochs = parse.GetValue(vdEpochs), KlAnnealEpochs = parse.GetValue(anneal),
                KlWeight = parse.GetValue(klWeight), VdLearningRateGamma = parse.GetValue(vdGamma), VdSigmaRate = parse.GetValue(vdSigmaRate), VdFineTuneEpochs = parse.GetValue(vdTune),
                VdSparsity = parse.GetValue(vdSparsity), VdThreshold = parse.GetValue(vdThreshold), VdNeuronGroups = parse.GetValue(vdGroups) == "neurons",
                AgpRamp = parse.GetValue(ramp), TrainLimit = parse.GetValue(limit), Quick = parse.GetValue(quick), Seed = parse.GetValue(seed),
                Sparsities = parse.GetValue(sparsities) is { } s ? s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseShare).ToArray() : null,
            };
            var asJson = parse.GetValue(json);
            var console = CliConsole.For(parse);
            var report = SurveyStudyWorkflow.Run(request, line => { if (!asJson) console.WriteLine(line); });
            CliConsole.WriteReportFile(report.Json, report);
            var (result, jsonPath, files, folder) = (report.Result, report.Json, report.Models, request.OutputFolder);
            if (asJson)
            {
                CliConsole.WriteReport(parse, report);
                return 0;
            }
            var table = new Table().AddColumns("method", "sparsity", "accuracy", "kept", "architecture", "epochs");
            foreach (var p in result.Points)
                table.AddRow(p.Method, p.Sparsity.ToString("P1", CultureInfo.InvariantCulture), p.Accuracy.ToString("P2", CultureInfo.InvariantCulture),
                    p.KeptShare.ToString("P2", CultureInfo.InvariantCulture), p.Architecture, p.Epochs.ToString(CultureInfo.InvariantCulture));
            console.WriteLine($"dense {result.Model} on {result.Data}: accuracy {result.DenseAccuracy:P2} after {result.DenseEpochs} epochs");
            console.Write(table);
            foreach (var f in result.Findings) console.WriteLine(f);
            console.WriteLine($"wrote {jsonPath} and {files.Count} model files in {folder} ({result.Seconds:F0} s)");
            return 0;
        });
        return command;
    }

    static double ParseShare(string s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? PruningAmount.OfFraction(v).Fraction!.Value
            : throw new CondenseException($"sparsity '{s}' is not a number");
}
