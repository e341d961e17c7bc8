using Condense.Models;
using Condense.Pruning;

namespace Condense.Workflows.Survey;

/// <summary>
/// One of the survey's pruning controls as <c>condense study skeleton|scratch|agp|vd</c> parses it; an
/// unset setting (null) takes the study's default, or the quick run's with <see cref="Quick"/>.
/// <see cref="Options"/> and <see cref="VariationalDropout"/> turn it into the library's options, each
/// setting checked as it is set there.
/// </summary>
public sealed record SurveyStudyRequest
{
    /// <summary>skeleton, scratch, agp or vd.</summary>
    public required string Study
    {
        get;
        init => field = Studies.Contains(value) ? value : throw new CondenseException($"study must be one of {string.Join(", ", Studies)}, got '{value}'");
    }

    /// <summary>Every name <see cref="Study"/> may hold.</summary>
    public static IReadOnlyList<string> Studies { get; } = ["skeleton", "scratch", "agp", "vd"];

    /// <summary>lenet300 or classifier.</summary>
    public string Model { get; init; } = "lenet300";
    /// <summary>mnist10k or fashion.</summary>
    public string Data { get; init; } = Condense.Data.DataSets.Mnist10k;
    /// <summary>Folder for &lt;study&gt;.json and the model files (created).</summary>
    public required string OutputFolder { get; init; }
    /// <summary>Dense training epochs (default 10; quick 3).</summary>
    public int? Epochs { get; init; }
    /// <summary>Fine-tuning epochs after pruning (default 5; quick 2).</summary>
    public int? FineTuneEpochs { get; init; }
    /// <summary>vd: epochs of sparse VD training (default 60; quick 15).</summary>
    public int? VdEpochs { get; init; }
    /// <summary>vd: epochs over which the KL weight rises 0 → 1 (default 10; quick 3).</summary>
    public int? KlAnnealEpochs { get; init; }
    /// <summary>vd: the final KL weight β (default 1).</summary>
    public double? KlWeight { get; init; }
    /// <summary>vd: learning-rate factor per VD epoch (default none: fixed).</summary>
    public double? VdLearningRateGamma { get; init; }
    /// <summary>vd: multiplies log σ²'s learning rate only (default 1; 10 with neuron groups).</summary>
    public double? VdSigmaRate { get; init; }
    /// <summary>vd: epochs of mask-fixed fine-tuning after VD (default 0: none).</summary>
    public int? VdFineTuneEpochs { get; init; }
    /// <summary>vd: prune exactly this share of weights (default: by the log α threshold).</summary>
    public double? VdSparsity { get; init; }
    /// <summary>vd: prune weights with log α above this (default 3).</summary>
    public double? VdThreshold { get; init; }
    /// <summary>vd: whole hidden neurons (group VD) rather than single weights.</summary>
    public bool VdNeuronGroups { get; init; }
    /// <summary>agp: share of the fine-tuning over which sparsity ramps up (default 0.5).</summary>
    public double? AgpRamp { get; init; }
    /// <summary>Sparsities or neuron shares (default 0.5, 0.8, 0.9; agp 0.9; vd 0.95, which it ignores).</summary>
    public IReadOnlyList<double>? Sparsities { get; init; }
    /// <summary>Train on the first N examples only (quick: 2,000).</summary>
    public int? TrainLimit { get; init; }
    /// <summary>Seconds, not minutes: 2,000 training digits, 3 dense and 2 fine-tuning epochs (vd: 15).</summary>
    public bool Quick { get; init; }
    /// <summary>Seed of initialisation and batch order.</summary>
    public int Seed { get; init; }

    /// <summary>The sparsities the study runs when none are given.</summary>
    public IReadOnlyList<double> DefaultSparsities => Study switch { "agp" => [0.9], "vd" => [0.95], _ => [0.5, 0.8, 0.9] };

    /// <summary>The shared study options this request sets.</summary>
    public SurveyStudyOptions Options()
    {
        var options = new SurveyStudyOptions
        {
            Model = ModelFactory.ParseKind(Model), Seed = Seed,
            Sparsities = DefaultSparsities, TrainLimit = TrainLimit ?? (Quick ? 2000 : null), AgpRampShare = AgpRamp ?? 0.5,
        };
        options = options with
        {
            Training = options.Training with { Epochs = Epochs ?? (Quick ? 3 : 10) },
            FineTuning = options.FineTuning with { Epochs = FineTuneEpochs ?? (Quick ? 2 : 5) },
        };
        return Sparsities is { } s ? options with { Sparsities = s } : options;
    }

    /// <summary>The sparse (or group) variational dropout options this request sets; the KL annealing is checked to end within the training.</summary>
    public VariationalDropoutOptions VariationalDropout()
    {
        var vd = new VariationalDropoutOptions();
        var groups = VdNeuronGroups ? VariationalGroups.Neurons : VariationalGroups.Weights;
        vd = vd with
        {
            Groups = groups,
            // a gate's μ starts at 1, so log α starts at log σ²: −10 would sit below the clip (−8), where it has no gradient
            InitialLogSigma2 = groups == VariationalGroups.Neurons ? GroupVariationalDropout.InitialLogSigma2 : vd.InitialLogSigma2,
            Training = vd.Training with { Epochs = VdEpochs ?? (Quick ? 15 : 60), StepGamma = VdLearningRateGamma },
            // a gate has one log σ² per neuron to climb from −10 past 3: at the common rate that outlasts a short run
            LogSigma2RateScale = VdSigmaRate ?? (groups == VariationalGroups.Neurons ? 10 : 1),
            FineTuning = VdFineTuneEpochs is int t && t > 0 ? Options().FineTuning with { Epochs = t } : null,
            KlAnnealEpochs = KlAnnealEpochs ?? (Quick ? 3 : 10),
            KlWeight = KlWeight ?? 1,
            TargetSparsity = VdSparsity,
            Threshold = VdThreshold ?? 3,
        };
        vd.RequireAnnealingWithinTraining();
        return vd;
    }
}
