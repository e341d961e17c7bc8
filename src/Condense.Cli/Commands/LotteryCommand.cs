using System.CommandLine;
using Condense.Data;
using Condense.Formats;
using Condense.Models;
using Condense.Pruning;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense lottery MODEL --rounds 5 --rate 0.2 --rewind-epoch 1</c>: iterative magnitude
/// pruning with weight rewinding, each round's ticket against a random re-initialisation of the
/// same mask.
/// </summary>
public static class LotteryCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "classifier | lenet300, or a model file whose architecture and training settings to use" };
        var rounds = new Option<int>("--rounds") { Description = "Prune–rewind–retrain rounds", DefaultValueFactory = _ => 5 };
        var rate = new Option<double>("--rate") { Description = "Share of the remaining weights pruned per round, (0, 1)", DefaultValueFactory = _ => 0.2 };
        var rewind = new Option<int>("--rewind-epoch") { Description = "Epoch to rewind surviving weights to (0 = initialisation)", DefaultValueFactory = _ => 1 };
        var epochs = new Option<int?>("--epochs") { Description = "Training epochs per round (default: 5, or the model file's)" };
        var limit = new Option<int?>("--train-limit") { Description = "Use only the first N training digits (quick runs)" };
        var noControl = new Option<bool>("--no-control") { Description = "Skip the random re-initialisation control (halves the time)" };
        var data = new Option<string>("--data") { Description = "mnist10k | fashion", DefaultValueFactory = _ => DataSets.Mnist10k };
        var seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 0 };
        var report = new Option<string?>("--report") { Description = "Write the rounds as JSON here" };
        var ticketOut = new Option<string?>("--output", "-o") { Description = "Write the last round's ticket here (.safetensors; a model file condense eval reads)" };
        var json = CliConsole.JsonOption();
        var command = new Command("lottery", "Find a lottery ticket: iterative magnitude pruning with weight rewinding (MLPs, or a CNN model file: convolutions pruned too).")
        {
            model, rounds, rate, rewind, epochs, limit, noControl, data, seed, report, ticketOut, json,
        };
        command.SetAction(parse =>
        {
            var name = parse.GetValue(model)!;
            ModelKind kind = ModelKind.Classifier;
            Func<int, CondenseModel>? create = null;
            var training = new TrainingOptions();
            var dataSet = parse.GetValue(data)!;
            if (Condense.Models.Cnn.CnnModelFile.IsCnnFile(name))
            {
                var (cnn, card) = Condense.Models.Cnn.CnnModelFile.Load(name);
                var description = cnn.Describe();
                cnn.Dispose();
                training = card.Training ?? training;
                if (parse.GetResult(data) is null or { Implicit: true }) dataSet = card.DataSet ?? dataSet;
                create = s => { TorchSharp.torch.manual_seed(s); return Condense.Models.Cnn.CnnFactory.Build(description, name); };
            }
            else if (File.Exists(name))
            {
                var (net, card) = ModelFile.Load(name);
                kind = net.Kind;
                training = card.Training ?? training;
                net.Dispose();
            }
            else
            {
                kind = ModelFactory.ParseKind(name);
            }
            if (kind == ModelKind.Autoencoder) throw new CondenseException("the lottery compares accuracies: use classifier or lenet300");
            training = training with { Epochs = parse.GetValue(epochs) ?? training.Epochs, Seed = parse.GetValue(seed) };
            var options = new LotteryOptions
            {
                Rounds = parse.GetValue(rounds), Rate = parse.GetValue(rate), RewindEpoch = parse.GetValue(rewind),
                Training = training, CompareRandomReinit = !parse.GetValue(noControl),
            };
            options.RequireRewindBeforeTheEnd();
            if (parse.GetValue(limit) is < 100) throw new CondenseException($"train limit {parse.GetValue(limit)} must be ≥ 100 digits");
            var (train, test) = DataSets.Load(dataSet);
            if (parse.GetValue(limit) is { } n) train = train.Take(n);
            var asJson = parse.GetValue(json);
            var console = CliConsole.For(parse);
            var outPath = parse.GetValue(ticketOut);
            if (outPath is not null && !outPath.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
                throw new CondenseException($"the ticket is written as a .safetensors model file, not '{Path.GetFileName(outPath)}'");
            var result = LotteryTicket.Run(create ?? (s => ModelFactory.Create(kind, s)), train, test, options, r =>
            {
                if (!asJson) console.WriteLine($"round {r.Round}: density {r.Density:P2}, ticket {r.TicketScore:P2}" + (r.RandomReinitScore is { } c ? $", random re-init {c:P2}" : ""));
            }, onTicket: outPath is null ? null : net =>
            {
                net.eval();
                ModelFile.Save(outPath, net, new ModelCard(dataSet, training));
            });
            var output = new
            {
                model = create is null ? kind.ToString() : name, round_count = options.Rounds, options.Rate, options.RewindEpoch, epochs = training.Epochs, trainCount = train.Count,
                dense = result.DenseScore,
                rounds = result.Rounds.Select(r => new { r.Round, r.Density, ticket = r.TicketScore, randomReinit = r.RandomReinitScore, layers = r.Layers.Select(l => new { l.Name, l.Density }) }),
            };
            if (parse.GetValue(report) is { } path)
                AtomicFile.WriteAllText(path, System.Text.Json.JsonSerializer.Serialize(output, CliConsole.Json));
            if (asJson)
            {
                CliConsole.WriteJson(parse, output);
                return 0;
            }
            var table = new Table().AddColumns("round", "density", "ticket", "random re-init", "layers");
            table.AddRow("0", "100.00%", result.DenseScore.ToString("P2"), "", "");
            foreach (var r in result.Rounds)
                table.AddRow(r.Round.ToString(), r.Density.ToString("P2"), r.TicketScore.ToString("P2"), r.RandomReinitScore?.ToString("P2") ?? "",
                    string.Join(" ", r.Layers.Select(l => $"{l.Name} {l.Density:P1}")));
            console.Write(table);
            return 0;
        });
        return command;
    }
}
