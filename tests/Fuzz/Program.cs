using Condense.Fuzz;
using SharpFuzz;

// condense-fuzz TARGET            afl-fuzz persistent mode (run under afl-fuzz, Condense.dll instrumented)
// condense-fuzz TARGET FILE...    run the target once per file and say what happened (replay a crash)
// condense-fuzz seeds DIR         write the seed corpora (small valid files made by Condense)
if (args.Length == 0)
{
    Console.Error.WriteLine($"usage: condense-fuzz ({string.Join("|", FuzzTargets.Names)}) [FILE...] | seeds DIR");
    return 2;
}
if (args[0] == "seeds")
{
    Seeds.Write(args.Length > 1 ? args[1] : "seeds");
    return 0;
}
var target = FuzzTargets.Get(args[0]);
if (args.Length > 1)
{
    int failures = 0;
    foreach (var file in args.Skip(1))
    {
        try
        {
            var refusal = FuzzTargets.RunOne(target, File.ReadAllBytes(file));
            Console.WriteLine(refusal is null ? $"read  {file}" : $"refused {file}: {refusal}");
        }
        catch (Exception ex)
        {
            failures++;
            Console.WriteLine($"CRASH {file}: {ex.GetType().FullName}: {ex.Message}");
            Console.WriteLine(ex.StackTrace);
        }
    }
    return failures == 0 ? 0 : 1;
}
Fuzzer.Run(stream =>
{
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    FuzzTargets.RunOne(target, copy.ToArray());
});
return 0;
