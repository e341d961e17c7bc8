using System.Reflection;
using Condense.Cli;

namespace Condense.Tests.Architecture;

/// <summary>
/// Conventions of issue 22 checked on the compiled assemblies, so a new member that breaks one
/// fails here rather than waiting for a reviewer: one seed type (<c>int</c>, what
/// <see cref="System.Random"/> takes; TorchSharp's <c>manual_seed(long)</c> and
/// <c>Generator(ulong)</c> are widened at the call, which keeps every seed's value and so its bytes).
/// </summary>
public sealed class ConventionTests
{
    static readonly Assembly Library = typeof(CondenseException).Assembly;
    static readonly Assembly Cli = typeof(CommandTree).Assembly;

    /// <summary>
    /// Members named *seed* that are not a user's seed, each with its reason: the hashing trick's
    /// per-layer hash keys are 64-bit values derived from the int model seed by
    /// <c>WeightHash.SeedFor</c>, not seeds a caller picks.
    /// </summary>
    static readonly IReadOnlySet<string> DerivedHashKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "Condense.Hashing.WeightHash.Seed", "Condense.Hashing.WeightHash..ctor(Seed)", "Condense.Hashing.WeightHash.Deconstruct(Seed)",
        "Condense.Hashing.HashedLinear..ctor(seeds)",
    };

    static bool IsSeedType(Type t)
    {
        t = Nullable.GetUnderlyingType(t) ?? (t.IsByRef ? t.GetElementType()! : t);
        if (t == typeof(int)) return true;
        if (t.IsArray) return IsSeedType(t.GetElementType()!);
        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(System.CommandLine.Option<>)) return IsSeedType(t.GetGenericArguments()[0]);
        return t.IsGenericType && t.GetGenericArguments() is [var a] && typeof(IEnumerable<>).MakeGenericType(a).IsAssignableFrom(t) && IsSeedType(a);
    }

    /// <summary>A seed by name: <c>seed</c>, <c>Seed</c>, <c>modelSeed</c>, <c>seeds</c> — not <c>SeedsBound</c> (a GPTQ bound) or <c>Seeding</c>.</summary>
    static bool IsSeedName(string name) => System.Text.RegularExpressions.Regex.IsMatch(name, "(^|[a-z])[Ss]eeds?$");

    static IEnumerable<string> Offences(Assembly assembly)
    {
        const BindingFlags Public = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in assembly.GetTypes().Where(t => t.IsVisible))
        {
            foreach (var p in type.GetProperties(Public).Where(p => IsSeedName(p.Name)))
                if (!IsSeedType(p.PropertyType) && !DerivedHashKeys.Contains($"{type.FullName}.{p.Name}")) yield return $"{type.FullName}.{p.Name}: {p.PropertyType.Name}";
            foreach (var f in type.GetFields(Public).Where(f => IsSeedName(f.Name)))
                if (!IsSeedType(f.FieldType)) yield return $"{type.FullName}.{f.Name}: {f.FieldType.Name}";
            foreach (var m in type.GetMethods(Public).Cast<MethodBase>().Concat(type.GetConstructors(BindingFlags.Public | BindingFlags.Instance)))
                foreach (var a in m.GetParameters().Where(a => a.Name is { } n && IsSeedName(n)))
                    if (!IsSeedType(a.ParameterType) && !DerivedHashKeys.Contains($"{type.FullName}.{m.Name}({a.Name})")) yield return $"{type.FullName}.{m.Name}({a.Name}): {a.ParameterType.Name}";
        }
    }

    [Fact]
    public void Every_public_seed_of_the_library_and_the_cli_is_an_int()
    {
        var offences = Offences(Library).Concat(Offences(Cli)).Distinct().ToList();
        Assert.True(offences.Count == 0, "seeds of another type than int: " + string.Join(", ", offences));
    }

    [Fact]
    public void Every_seed_option_of_the_cli_is_an_int()
    {
        var root = CommandTree.Build();
        var options = Descend(root).SelectMany(c => c.Options).Where(o => o.Name is "--seed").ToList();
        Assert.NotEmpty(options);
        Assert.All(options, o => Assert.Equal(typeof(int), o.ValueType));
    }

    static IEnumerable<System.CommandLine.Command> Descend(System.CommandLine.Command c) => c.Subcommands.SelectMany(Descend).Prepend(c);
}
