using System.CommandLine;
using System.Globalization;
using Condense.Data;
using Condense.Formats;
using Condense.Models;
using Condense.Pruning;
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
        Build("skeleton", "Skeletonization: hidden neurons removed by relevance (exact and Mozer & Smolensky's estimate) vs by weight magnitude.",
            (tr, te, o, _, log, sink) => SkeletonizationStudy.Run(tr, te, o, log, sink)),
        Build("scratch", "Pruned architecture trained from scratch vs fine-tuned (structured and unstructured), same total epochs.",
            (tr, te, o, _, log, sink) => ScratchStudy.Run(tr, te, o, log, sink)),
        Build("agp", "Gradual pruning (Zhu & Gupta's AGP) vs one-shot magnitude pruning + fine-tuning, same epochs.",
            (tr, te, o, _, log, sink) => TrainingTimePruningStudy.GradualVersusOneShot(tr, te, o, log, sink), [0.9]),
        Build("vd", "Sparse variational dropout vs the same network trained densely for the same total epochs.",
            TrainingTimePruningStudy.VariationalDropoutVersusDense, [0.95]),
    ];

    delegate SurveyStudyResult Runner(Dataset train, Dataset test, SurveyStudyOptions options, VariationalDropoutOptions vd, Action<string> log, SurveyModelSink sink);

    /// <summary>The study's report: its result, the JSON written and the model files, one per point.</summary>
    public sealed record SurveyStudyReport(SurveyStudyResult Result, string Json, IReadOnlyList<string> Models);

    static Command Build(string name, string description, Runner runner, double[]? sparsityDefault = null)
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
        var sparsities = new Option<string?>("--sparsities") { Description = $"Comma-separated sparsities or neuron shares (default {string.Join(",", sparsityDefault ?? [0.5, 0.8, 0.9])}; vd ignores it)" };
        var limit = new Option<int?>("--train-limit") { Description = "Train on the first N examples only" };
        var quick = new Option<bool>("--quick") { Description = "2,000 training digits, 3 dense epochs, 2 fine-tuning epochs (vd: 15 epochs): seconds, not minutes" };
        var seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--output", "-o") { Description = "Folder for the JSON and the model files", DefaultValueFactory = _ => $"study-{name}" };
        var json = CliConsole.JsonOption();
        var command = new Command(name, description) { model, data, epochs, finetune, vdEpochs, anneal, klWeight, vdGamma, vdSigmaRate, vdTune, vdSparsity, vdThreshold, vdGroups, ramp, sparsities, limit, quick, seed, output, json };
        command.SetAction(parse =>
        {
            var isQuick = parse.GetValue(quick);
            var options = new SurveyStudyOptions
            {
                Model = ModelFactory.ParseKind(parse.GetValue(model)!), Seed = parse.GetValue(seed),
                Sparsities = sparsityDefault ?? [0.5, 0.8, 0.9], TrainLimit = parse.GetValue(limit) ?? (isQuick ? 2000 : null), AgpRampShare = parse.GetValue(ramp) ?? 0.5,
            };
            options = options with
            {
                Training = options.Training with { Epochs = parse.GetValue(epochs) ?? (isQuick ? 3 : 10) },
                FineTuning = options.FineTuning with { Epochs = parse.GetValue(finetune) ?? (isQuick ? 2 : 5) },
            };
            if (parse.GetValue(sparsities) is { } s)
                options = options with { Sparsities = s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseShare).ToArray() };
            var vd = new VariationalDropoutOptions();
            var groups = parse.GetValue(vdGroups) == "neurons" ? VariationalGroups.Neurons : VariationalGroups.Weights;
            vd = vd with
            {
                Groups = groups,
                // a gate's μ starts at 1, so log α starts at log σ²: −10 would sit below the clip (−8), where it has no gradient
                InitialLogSigma2 = groups == VariationalGroups.Neurons ? GroupVariationalDropout.InitialLogSigma2 : vd.InitialLogSigma2,
                Training = vd.Training with { Epochs = parse.GetValue(vdEpochs) ?? (isQuick ? 15 : 60), StepGamma = parse.GetValue(vdGamma) },
                // a gate has one log σ² per neuron to climb from −10 past 3: at the common rate that outlasts a short run
                LogSigma2RateScale = parse.GetValue(vdSigmaRate) ?? (groups == VariationalGroups.Neurons ? 10 : 1),
                FineTuning = parse.GetValue(vdTune) is int t && t > 0 ? options.FineTuning with { Epochs = t } : null,
                KlAnnealEpochs = parse.GetValue(anneal) ?? (isQuick ? 3 : 10),
                KlWeight = parse.GetValue(klWeight) ?? 1,
                TargetSparsity = parse.GetValue(vdSparsity),
                Threshold = parse.GetValue(vdThreshold) ?? 3,
            };
            vd.RequireAnnealingWithinTraining();
            var asJson = parse.GetValue(json);
            var console = CliConsole.For(parse);
            var (train, test) = DataSets.Load(parse.GetValue(data)!);
            var folder = parse.GetValue(output)!;
            Directory.CreateDirectory(folder);
            var files = new List<string>();
            var dataName = parse.GetValue(data)!;
            void Sink(SurveyPoint p, MlpModel m)
            {
                var stem = Path.Combine(folder, $"{name}-{Slug(p.Method)}-{Math.Round(100 * p.Sparsity):0}");
                var extra = new Dictionary<string, string> { ["pruning.method"] = p.Method, ["pruning.study"] = name };
                var dense = Prune.Sparsity(m) < 0.3;
                var path = stem + (dense ? ".safetensors" : SparseModelFile.Extension);
                if (dense) ModelFile.Save(path, m, new ModelCard(dataName, Extra: extra));
                else SparseModelFile.Save(path, m, null, new Dictionary<string, string>(extra) { ["dataset"] = dataName });
                files.Add(path);
            }
            var result = runner(train, test, options, vd, line => { if (!asJson) console.WriteLine(line); }, Sink);
            var jsonPath = Path.Combine(folder, $"{name}.json");
            var report = new SurveyStudyReport(result, jsonPath, files);
            AtomicFile.WriteAllText(jsonPath, System.Text.Json.JsonSerializer.Serialize(report, CliConsole.SnakeJson));
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

    static string Slug(string method) => method.Replace(' ', '-');

    static double ParseShare(string s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? PruningAmount.OfFraction(v).Fraction!.Value
            : throw new CondenseException($"sparsity '{s}' is not a number");
}
