using System.Reflection;
using Condense.Cli;
using NetArchTest.Rules;

namespace Condense.Tests.Architecture;

/// <summary>
/// The layering docs/architecture.md describes, checked on the compiled assemblies
/// (NetArchTest reads their IL, so a reference hidden in a lambda or a nested type counts too).
/// tests/mutations/break-architecture.sh shows each rule failing on a deliberate violation.
/// </summary>
public sealed class ArchitectureTests
{
    static readonly Assembly Library = typeof(CondenseException).Assembly;
    static readonly Assembly Cli = typeof(CommandTree).Assembly;
    const string CommandsNamespace = "Condense.Cli.Commands";

    /// <summary>The types that touch the file system directly: System.IO.Path (strings only) and streams handed in are fine.</summary>
    static readonly string[] FileSystemTypes =
        ["System.IO.File", "System.IO.FileStream", "System.IO.Directory", "System.IO.FileInfo", "System.IO.DirectoryInfo", "System.IO.FileSystemInfo"];

    /// <summary>Where the library may open, write, list or delete files.</summary>
    static readonly string[] FileSystemNamespaces = ["Condense.Formats", "Condense.Workflows"];

    /// <summary>
    /// The library's other file I/O, each with its reason. Keep this short: a new entry needs a reason
    /// a reviewer accepts, and an entry that no longer touches files fails <see cref="The_file_allowlist_names_only_types_that_need_it"/>.
    /// </summary>
    internal static readonly IReadOnlyDictionary<string, string> FileSystemAllowlist = new Dictionary<string, string>
    {
        // Found by the rule itself; everything else already goes through Formats (AtomicFile, the readers) or a workflow.
        ["Condense.Models.QuantizedModelFile"] = "reloads the plain tensors through a temporary file and ModelFile.Load (to be replaced by an in-memory load)",
        ["Condense.Pruning.SparseModelFile"] = "reads the .csparse file it is asked to load (writes go through AtomicFile)",
        ["Condense.DeepCompression.CompressedContainer"] = "reads the .cdz file it is asked to load (writes go through AtomicFile)",
        ["Condense.Streaming.CompressedCheckpoint"] = "streaming writes shards as it goes (bounded memory is the point)",
        ["Condense.Streaming.StreamCompressor"] = "streaming reads and writes shards tensor by tensor, resumable",
        ["Condense.Streaming.SyntheticCheckpoint"] = "writes the sharded checkpoints bench scale streams",
        ["Condense.Data.IdxReader"] = "reads Debian's Fashion-MNIST IDX files",
        ["Condense.Data.DataSets"] = "finds Debian's dataset-fashion-mnist folder",
        ["Condense.Imaging.ImageDecoder"] = "reads the image file it is asked to decode",
        ["Condense.Runtime.SessionProbe"] = "reads /proc/self/statm for a session's memory",
        ["Condense.Runtime.OptimizedGraph"] = "asks ONNX Runtime to write the graph it optimised, then reads it",
    };

    /// <summary>Top-level types in Condense.Cli.Commands named *Command or *Commands: the commands.</summary>
    static IReadOnlyList<Type> CommandTypes() => Cli.GetTypes()
        .Where(t => t.Namespace == CommandsNamespace && !t.IsNested && (t.Name.EndsWith("Command", StringComparison.Ordinal) || t.Name.EndsWith("Commands", StringComparison.Ordinal)))
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .ToList();

    static Type Outermost(Type t)
    {
        while (t.DeclaringType is not null) t = t.DeclaringType;
        return t;
    }

    /// <summary>The outermost types (lambdas and nested types count as their owner) that depend on any of <paramref name="dependencies"/>.</summary>
    static IReadOnlySet<string> TypesDependingOn(Assembly assembly, IEnumerable<string> dependencies)
    {
        var result = Types.InAssembly(assembly).ShouldNot().HaveDependencyOnAny(dependencies.ToArray()).GetResult();
        return (result.FailingTypes ?? []).Select(t => Outermost(t.ReflectionType).FullName!).ToHashSet(StringComparer.Ordinal);
    }

    static bool InNamespace(string typeName, string ns) => typeName.StartsWith(ns + ".", StringComparison.Ordinal);

    [Fact]
    public void No_command_references_another_command()
    {
        var commands = CommandTypes();
        Assert.True(commands.Count > 30, $"found only {commands.Count} command types: has {CommandsNamespace} moved?");
        var offences = new List<string>();
        foreach (var command in commands)
        {
            var others = commands.Where(c => c != command).Select(c => c.FullName!).ToArray();
            if (TypesDependingOn(Cli, others).Contains(command.FullName!))
            {
                offences.Add(command.Name);
            }
        }
        Assert.True(offences.Count == 0,
            $"commands that reference another command (share through a workflow, a renderer or an option type instead; CommandTree composes the tree): {string.Join(", ", offences)}");
    }

    [Fact]
    public void Only_the_command_tree_names_commands()
    {
        var commands = CommandTypes().Select(c => c.FullName!).ToArray();
        var offenders = TypesDependingOn(Cli, commands)
            .Where(t => !InNamespace(t, CommandsNamespace) && t != typeof(CommandTree).FullName)
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(offenders.Count == 0, $"types outside Commands that call a command (move the shared part into a workflow or renderer): {string.Join(", ", offenders)}");
    }

    [Fact]
    public void The_library_never_touches_the_console()
    {
        var offenders = TypesDependingOn(Library, ["System.Console"]).Order(StringComparer.Ordinal).ToList();
        Assert.True(offenders.Count == 0, $"library types using System.Console (return a report, take a TextWriter or a callback): {string.Join(", ", offenders)}");
    }

    [Fact]
    public void File_IO_stays_in_Formats_and_Workflows()
    {
        var offenders = TypesDependingOn(Library, FileSystemTypes)
            .Where(t => !FileSystemNamespaces.Any(ns => InNamespace(t, ns)) && !FileSystemAllowlist.ContainsKey(t))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(offenders.Count == 0,
            $"library types using {string.Join("/", FileSystemTypes.Select(n => n["System.IO.".Length..]))} outside {string.Join(", ", FileSystemNamespaces)} " +
            $"(move the I/O into Formats or a workflow, or add the type to the allowlist with its reason): {string.Join(", ", offenders)}");
    }

    [Fact]
    public void The_file_allowlist_names_only_types_that_need_it()
    {
        var users = TypesDependingOn(Library, FileSystemTypes);
        var stale = FileSystemAllowlist.Keys.Where(t => !users.Contains(t)).Order(StringComparer.Ordinal).ToList();
        Assert.True(stale.Count == 0, $"allowlisted types that no longer use the file system (remove them from the allowlist): {string.Join(", ", stale)}");
    }
}
