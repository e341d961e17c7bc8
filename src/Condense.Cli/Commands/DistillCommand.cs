using System.CommandLine;
using Condense.Data;
using Condense.Distillation;
using Condense.Models;
using Condense.Workflows;
using Condense.Workflows.Distill;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary><c>condense distill</c>: does a teacher make a small student more accurate? Trains the student alone and with the teacher over several seeds.</summary>
public static class DistillCommand
{
    public static Command Create()
    {
        var teacher = new Option<string?>("--teacher") { Description = "Teacher model (.safetensors from 'condense train', an MLP or a CNN; best trained with --shift 2 --epochs 15 --gamma 0.85); omitted: the default classifier is trained here first ('condense train --model classifier', same seed)" };
        var student = new Option<string>("--student") { Description = "Student: sizes like 784-100-10, hashed:784-1000-1000-10@64, or a CNN: lenet5, vgg:8,M,16,M, resnet:4", DefaultValueFactory = _ => "784-100-10" };
        var temperature = new Option<double>("--temperature", "-T") { Description = "Softmax temperature T (> 0)", DefaultValueFactory = _ => DistillationRecipe.Options.Temperature };
        var alpha = new Option<double>("--alpha") { Description = "Weight of the soft loss, in [0, 1]", DefaultValueFactory = _ => DistillationRecipe.Options.Alpha };
        var shift = new Option<int>("--shift") { Description = "Augment both runs: every image shifted by a random offset of up to this many pixels (0: off)", DefaultValueFactory = _ => DistillationRecipe.StudentTraining.Shift };
        var seeds = new Option<int>("--seeds") { Description = "Seeds to repeat the comparison over", DefaultValueFactory = _ => 5 };
        var epochs = new Option<int>("--epochs") { Description = "Student training epochs, both runs", DefaultValueFactory = _ => DistillationRecipe.StudentTraining.Epochs };
        var gamma = new Option<double>("--gamma") { Description = "StepLR decay of the learning rate per epoch, (0, 1]; both runs", DefaultValueFactory = _ => DistillationRecipe.StudentTraining.StepGamma ?? 1 };
        var seed = new Option<int>("--seed") { Description = "First seed", DefaultValueFactory = _ => 0 };
        var data = new Option<string?>("--data") { Description = "Data set (default: the teacher's)" };
        var dataFree = new Option<bool>("--data-free") { Description = "Also distil without any training image: a generator trained against the teacher and student" };
        var recipe = new Option<string>("--recipe") { Description = "--data-free: adversarial (Micaelli & Storkey, Fang et al.; default) or dafl (Chen et al.)", DefaultValueFactory = _ => "adversarial" };
        var steps = new Option<int>("--steps") { Description = "--data-free: generator steps (batch 256; 5 student steps each, adversarial)", DefaultValueFactory = _ => DataFreeOptions.Adversarial.Steps };
        var output = new Option<string?>("--output", "-o") { Description = "Write the student (.safetensors) for 'condense eval': the first seed's distilled student; with --data-free, the data-free one" };
        var json = CliConsole.JsonOption();
        var command = new Command("distill", "Train a student with and without a teacher (Hinton et al. knowledge distillation) and compare.")
        {
            teacher, student, temperature, alpha, shift, seeds, epochs, gamma, seed, data, dataFree, recipe, steps, output, json,
        };
        command.SetAction(parse =>
        {
            var options = new DistillationOptions { Temperature = parse.GetValue(temperature), Alpha = parse.GetValue(alpha) };
            var training = new TrainingOptions { Epochs = parse.GetValue(epochs), StepGamma = parse.GetValue(gamma), Shift = parse.GetValue(shift), Seed = parse.GetValue(seed) };
            var seedCount = parse.GetValue(seeds);
            if (seedCount is < 1 or > 100) throw new CondenseException($"seeds {seedCount} must be in 1–100");
            var asJson = parse.GetValue(json);
            var console = CliConsole.For(parse);
            Action<string>? progress = asJson ? null : console.WriteLine;
            if (parse.GetValue(dataFree))
            {
                var request = new DataFreeDistillationRequest(parse.GetValue(teacher), parse.GetValue(student)!, parse.GetValue(data), parse.GetValue(recipe)!, parse.GetValue(steps),
                    options, training, parse.GetValue(output));
                var report = DataFreeDistillation.Run(request, progress);
                if (asJson) CliConsole.WriteReport(parse, report);
                else DistillDataFree.Write(console, report);
                return 0;
            }
            var spec = StudentSpec.Parse(parse.GetValue(student)!);
            var teacherPath = parse.GetValue(teacher);
            var (net, card) = DistillationTeacher.Load(teacherPath, parse.GetValue(data), parse.GetValue(seed));
            teacherPath ??= DistillationTeacher.TrainedHere;
            using var _ = net;
            DistillationTeacher.RequireFits(net, spec, teacherPath);
            var outPath = parse.GetValue(output);
            if (outPath is not null && !outPath.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
                throw new CondenseException($"the student is written as a .safetensors model file, not '{Path.GetFileName(outPath)}'");
            var dataName = parse.GetValue(data) ?? card.DataSet ?? DataSets.Mnist10k;
            var (train, test) = DataSets.Load(dataName);
            if (outPath is not null) OutputPath.RefuseOverwrite(teacherPath, outPath);
            var summary = DistillationStudy.Run(net, spec, train, test, options, training, seedCount, progress,
                firstDistilled: outPath is null ? null : distilled => ModelFiles.Save(outPath, distilled, new ModelCard(dataName)));
            if (asJson)
            {
                CliConsole.WriteJson(parse, new
                {
                    teacher = teacherPath, data = dataName, student = summary.Student, studentParameters = summary.StudentParameters,
                    teacherAccuracy = summary.TeacherAccuracy, temperature = options.Temperature, alpha = options.Alpha, shift = training.Shift, epochs = summary.Epochs, gamma = training.StepGamma,
                    seeds = summary.Seeds.Select(s => new { s.Seed, alone = s.Alone, distilled = s.Distilled, gain = s.Gain }),
                    meanAlone = summary.MeanAlone, meanDistilled = summary.MeanDistilled, meanGain = summary.MeanGain, gainStd = summary.GainStd,
                    seedsImproved = summary.SeedsImproved, output = outPath,
                });
                return 0;
            }
            var table = new Table().AddColumns("seed", "student alone", "with teacher", "gain (points)");
            foreach (var s in summary.Seeds)
                table.AddRow(s.Seed.ToString(), s.Alone.ToString("P2"), s.Distilled.ToString("P2"), (100 * s.Gain).ToString("+0.00;-0.00"));
            table.AddRow("mean", summary.MeanAlone.ToString("P2"), summary.MeanDistilled.ToString("P2"),
                $"{100 * summary.MeanGain:+0.00;-0.00} ± {100 * summary.GainStd:F2}");
            console.Write(table);
            console.WriteLine($"Teacher {teacherPath}: {summary.TeacherAccuracy:P2}; student {summary.Student} ({summary.StudentParameters:N0} parameters), T = {options.Temperature}, α = {options.Alpha}, shift ±{training.Shift} px (both runs), {summary.Epochs} epochs, StepLR {training.StepGamma}; the teacher helped on {summary.SeedsImproved} of {summary.Seeds.Count} seeds.");
            if (outPath is not null)
                console.WriteLine($"wrote {outPath}: the seed {summary.Seeds[0].Seed} student distilled with the teacher ({summary.Seeds[0].Distilled:P2})");
            return 0;
        });
        return command;
    }
}
