using Condense.Data;
using Condense.Models;

namespace Condense.Distillation;

/// <summary>One seed of a <see cref="DistillationStudy"/>: the same student trained alone and with the teacher.</summary>
internal sealed record DistillationSeed(int Seed, double Alone, double Distilled)
{
    public double Gain => Distilled - Alone;
}

/// <summary>The result of a study: per seed, and the mean and sample standard deviation of each.</summary>
internal sealed record DistillationSummary(string Student, long StudentParameters, double TeacherAccuracy, DistillationOptions Options,
    int Epochs, IReadOnlyList<DistillationSeed> Seeds)
{
    public double MeanAlone => Seeds.Average(s => s.Alone);
    public double MeanDistilled => Seeds.Average(s => s.Distilled);
    public double MeanGain => Seeds.Average(s => s.Gain);
    public double GainStd => Std(Seeds.Select(s => s.Gain).ToArray());
    public int SeedsImproved => Seeds.Count(s => s.Gain > 0);

    static double Std(double[] v)
    {
        if (v.Length < 2) return 0;
        var m = v.Average();
        return Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / (v.Length - 1));
    }
}

/// <summary>
/// Does the teacher help? For each seed the student starts from the same weights and sees the
/// same batches (and the same shifted copies) twice: once on the labels alone, once with the
/// distillation loss; same epochs, optimiser and learning-rate schedule, and both are scored on
/// the test set once, after their last epoch (no selection). Seeds differ in both, so the spread
/// across seeds says how much of the gain is noise.
/// </summary>
internal static class DistillationStudy
{
    /// <summary>
    /// Runs the study over <paramref name="seeds"/> seeds from <c>training.Seed</c>. <paramref name="firstDistilled"/>
    /// is given the first seed's distilled student once it is scored (before it is disposed), so a caller can
    /// write the student whose accuracy <see cref="DistillationSeed.Distilled"/> reports.
    /// </summary>
    public static DistillationSummary Run(CondenseModel teacher, StudentSpec student, Dataset train, Dataset test,
        DistillationOptions options, TrainingOptions training, int seeds, Action<string>? progress = null,
        Action<CondenseModel>? firstDistilled = null)
    {
        ArgumentNullException.ThrowIfNull(training);
        if (seeds is < 1 or > 100) throw new CondenseException($"seeds {seeds} must be in 1–100");
        var teacherAccuracy = Evaluator.Evaluate(teacher, test).Accuracy ?? double.NaN;
        var normalization = teacher switch { MlpModel m => m.Normalization, Models.Cnn.CnnModel c => c.Normalization, _ => null };
        var results = new List<DistillationSeed>();
        long parameters = 0;
        for (var s = 0; s < seeds; s++)
        {
            var seed = training.Seed + s;
            var perSeed = training with { Seed = seed };
            using var alone = student.Create(seed, normalization);
            parameters = alone.ParameterCount;
            progress?.Invoke($"seed {seed}: training {student} alone");
            Trainer.Train(alone, train, null, perSeed);
            var aloneAccuracy = Evaluator.Evaluate(alone, test).Accuracy ?? double.NaN;
            using var distilled = student.Create(seed, normalization);
            progress?.Invoke($"seed {seed}: training {student} with the teacher");
            Distiller.Train(distilled, teacher, train, null, options, perSeed);
            var distilledAccuracy = Evaluator.Evaluate(distilled, test).Accuracy ?? double.NaN;
            if (s == 0) firstDistilled?.Invoke(distilled);
            results.Add(new DistillationSeed(seed, aloneAccuracy, distilledAccuracy));
        }
        return new DistillationSummary(student.ToString(), parameters, teacherAccuracy, options, training.Epochs, results);
    }
}
