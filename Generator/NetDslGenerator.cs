using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Emit;
using NetDsl.Generator.Inference;
using NetDsl.Generator.Model;
using NetDsl.Generator.Parse;

namespace NetDsl.Generator
{
    /// <summary>
    /// The NetDsl incremental generator. Pipeline: <b>parse</b> each [Network] and [Block] class into an
    /// equatable <see cref="DeclarationSpec"/> (ForAttributeWithMetadataName), <b>infer</b> shapes and collect
    /// diagnostics (<see cref="ShapeInference"/>, plain C#), <b>emit</b> one file per class
    /// (<see cref="ModuleEmitter"/>). Sources and diagnostics leave through separate outputs.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class NetDslGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            // A second sighting of a class (its marker on two partial declarations, a block that is also a network) is
            // dropped here: its first parse reports and generates for it.
            var networks = context.SyntaxProvider.ForAttributeWithMetadataName(
                    DeclarationParser.NetworkAttribute,
                    static (node, _) => node is TypeDeclarationSyntax,
                    static (ctx, ct) => DeclarationParser.Parse(ctx, DeclarationKind.Network, ct))
                .WithTrackingName(TrackingNames.Networks)
                .Where(static spec => !spec.IsDuplicate);

            var blocks = context.SyntaxProvider.ForAttributeWithMetadataName(
                    DeclarationParser.BlockAttribute,
                    static (node, _) => node is TypeDeclarationSyntax,
                    static (ctx, ct) => DeclarationParser.Parse(ctx, DeclarationKind.Block, ct))
                .WithTrackingName(TrackingNames.Blocks)
                .Where(static spec => !spec.IsDuplicate);

            var allBlocks = blocks.Collect()
                .Select(static (items, _) => items.OrderBy(b => b.MetadataName, StringComparer.Ordinal).ToEquatableArray())
                .WithTrackingName(TrackingNames.AllBlocks);

            // A variant ([Network(Like = typeof(Body))]) is resolved against the other networks' models: only variants wait
            // for the collection of all networks, so an edit to one network re-runs it and the variants, nothing else.
            var allNetworks = networks.Collect()
                .Select(static (items, _) => items.OrderBy(n => n.MetadataName, StringComparer.Ordinal).ToEquatableArray())
                .WithTrackingName(TrackingNames.AllNetworks);

            var networkResults = networks.Where(static n => n.Like is null).Combine(allBlocks)
                .Select(static (pair, ct) => Generate(pair.Left, pair.Right))
                .WithTrackingName(TrackingNames.NetworkResults);

            var variantResults = networks.Where(static n => n.Like is not null).Combine(allNetworks).Combine(allBlocks)
                .Select(static (pair, ct) => GenerateVariant(pair.Left.Left, pair.Left.Right, pair.Right))
                .WithTrackingName(TrackingNames.VariantResults);

            var blockResults = blocks.Combine(allBlocks)
                .Select(static (pair, ct) => Generate(pair.Left, pair.Right))
                .WithTrackingName(TrackingNames.BlockResults);

            var networkSources = RegisterDiagnostics(context, networkResults, TrackingNames.NetworkSources);
            var variantSources = RegisterDiagnostics(context, variantResults, TrackingNames.VariantSources);
            var blockSources = RegisterDiagnostics(context, blockResults, TrackingNames.BlockSources);
            // All sources leave through one output, so that hint names can be made unique across them (the compiler
            // compares them ignoring case: classes Net and net in one namespace would otherwise fail the generator).
            context.RegisterSourceOutput(networkSources.Collect().Combine(variantSources.Collect()).Combine(blockSources.Collect()), static (spc, pair) =>
            {
                foreach (var (hint, text) in HintNames.MakeUnique(pair.Left.Left.Concat(pair.Left.Right).Concat(pair.Right)))
                    spc.AddSource(hint, SourceText.From(text, System.Text.Encoding.UTF8));
            });

            // Stage fields and layer attributes in a class that is neither a network nor a block (NDSL0058).
            var stray = context.SyntaxProvider.CreateSyntaxProvider(
                    static (node, _) => StrayStages.MayHaveStages(node),
                    static (ctx, ct) => StrayStages.Check(ctx, ct))
                .Where(static d => d is not null)
                .WithTrackingName(TrackingNames.StrayStages);
            context.RegisterSourceOutput(stray.Combine(context.CompilationProvider), static (spc, pair) => spc.ReportDiagnostic(pair.Left!.ToDiagnostic(pair.Right)));
        }

        private static IncrementalValuesProvider<GeneratedSource> RegisterDiagnostics(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<GenerationResult> results, string name)
        {
            var sources = results.Select(static (r, _) => r.Source).WithTrackingName(name);
            // Diagnostics are reported on the compilation's own syntax trees (the model holds only values), so that
            // #pragma warning disable applies; this output re-runs on every edit, but only walks the diagnostic list.
            var diagnostics = results.Select(static (r, _) => r.Diagnostics).Combine(context.CompilationProvider);
            context.RegisterSourceOutput(diagnostics, static (spc, pair) =>
            {
                foreach (var d in pair.Left) spc.ReportDiagnostic(d.ToDiagnostic(pair.Right));
            });
            return sources;
        }

        /// <summary>Resolves a variant against its body (<see cref="Variants"/>), then infers and emits it as any network.</summary>
        public static GenerationResult GenerateVariant(DeclarationSpec variant, EquatableArray<DeclarationSpec> networks, EquatableArray<DeclarationSpec> blocks)
        {
            var diagnostics = new List<DiagnosticInfo>();
            DeclarationSpec? resolved;
            try
            {
                var byName = new Dictionary<string, DeclarationSpec>(StringComparer.Ordinal);
                foreach (var n in networks) byName[n.MetadataName] = n;
                foreach (var b in blocks) if (!byName.ContainsKey(b.MetadataName)) byName[b.MetadataName] = b;
                resolved = variant.ParseDiagnostics.Any(d => d.IsError) ? null : Variants.Resolve(variant, byName, diagnostics);
                if (resolved is not null && byName.TryGetValue(variant.Like!, out var body) && body.ParseDiagnostics.Any(d => d.IsError))
                    resolved = null; // the body reports its own errors; the variant has no code until they are fixed
            }
            catch (Exception ex)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, variant.Location, variant.DisplayName, ex.GetType().Name + ": " + ex.Message));
                resolved = null;
            }
            if (resolved is null)
                return new GenerationResult(new GeneratedSource(ModuleEmitter.HintName(variant), null), variant.ParseDiagnostics.Concat(diagnostics).ToEquatableArray());
            var result = Generate(resolved, blocks);
            return diagnostics.Count == 0 ? result : result with { Diagnostics = diagnostics.Concat(result.Diagnostics).ToEquatableArray() };
        }

        /// <summary>Infers and emits one declaration. Never throws: failures become NDSL0019.</summary>
        /// <remarks>Runs under the invariant culture (as System.Text.Json's generator does), so no locale's digits or
        /// minus sign can leak into messages or generated literals.</remarks>
        public static GenerationResult Generate(DeclarationSpec spec, EquatableArray<DeclarationSpec> blocks)
        {
#pragma warning disable RS1035 // Deliberate, and restored: the same switch System.Text.Json's generator makes.
            var culture = System.Globalization.CultureInfo.CurrentCulture;
            try
            {
                System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
                return GenerateCore(spec, blocks);
            }
            finally
            {
                System.Globalization.CultureInfo.CurrentCulture = culture;
            }
#pragma warning restore RS1035
        }

        private static GenerationResult GenerateCore(DeclarationSpec spec, EquatableArray<DeclarationSpec> blocks)
        {
            string hint = ModuleEmitter.HintName(spec);
            var diagnostics = new List<DiagnosticInfo>(spec.ParseDiagnostics);
            try
            {
                var blockMap = new Dictionary<string, DeclarationSpec>(StringComparer.Ordinal);
                foreach (var b in blocks) blockMap[b.MetadataName] = b;

                if (diagnostics.Exists(d => d.IsError) || spec.Stages.Count == 0)
                    return new GenerationResult(new GeneratedSource(hint, null), diagnostics.ToEquatableArray());

                string? text;
                if (spec.Kind == DeclarationKind.Network)
                {
                    var inference = ShapeInference.Infer(spec, blockMap);
                    // Blocks used by this network with errors of their own: those are reported by the block's result, so
                    // they are left out here (else each would show twice), but they still prevent emitting the network.
                    var blockOwn = new HashSet<(string, LocationInfo?)>();
                    bool blockErrors = false;
                    foreach (var key in inference.Bound.Keys)
                    {
                        if (key == spec.MetadataName || !blockMap.TryGetValue(key, out var block)) continue;
                        foreach (var d in BlockOwnDiagnostics(block, blockMap))
                        {
                            blockOwn.Add((d.Id, d.Location));
                            blockErrors |= d.IsError;
                        }
                    }
                    diagnostics.AddRange(inference.Diagnostics.Where(d => !blockOwn.Contains((d.Id, d.Location))));
                    text = inference.Completed && !diagnostics.Exists(d => d.IsError) && !blockErrors
                        ? ModuleEmitter.EmitNetwork(inference, inference.Bound[spec.MetadataName])
                        : null;
                }
                else
                {
                    var bound = new Dictionary<string, BoundDeclaration>(StringComparer.Ordinal);
                    var own = Binder.Bind(spec, diagnostics, blockMap);
                    bound[spec.MetadataName] = own;
                    foreach (var b in blockMap.Values)
                    {
                        if (b.MetadataName != spec.MetadataName) bound[b.MetadataName] = Binder.Bind(b, new List<DiagnosticInfo>(), blockMap);
                    }
                    diagnostics.AddRange(CheckBlockReferences(own, blockMap));
                    if (!diagnostics.Exists(d => d.IsError)) diagnostics.AddRange(CheckRepeatLoops(own, bound));
                    text = diagnostics.Exists(d => d.IsError) ? null : ModuleEmitter.EmitBlock(own, bound);
                }
                return new GenerationResult(new GeneratedSource(hint, text), diagnostics.Distinct().ToEquatableArray());
            }
            catch (Exception ex)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, spec.Location, spec.DisplayName, ex.GetType().Name + ": " + ex.Message));
                return new GenerationResult(new GeneratedSource(hint, null), diagnostics.ToEquatableArray());
            }
        }

        /// <summary>What a block's own result reports (see the block branch of <see cref="Generate"/>), whatever uses it.</summary>
        private static List<DiagnosticInfo> BlockOwnDiagnostics(DeclarationSpec block, Dictionary<string, DeclarationSpec> blocks)
        {
            var list = new List<DiagnosticInfo>(block.ParseDiagnostics);
            if (list.Exists(d => d.IsError) || block.Stages.Count == 0) return list;
            var bound = Binder.Bind(block, list, blocks);
            list.AddRange(CheckBlockReferences(bound, blocks));
            if (!list.Exists(d => d.IsError) && bound.Stages.Any(s => s.Layers.Any(l => l.RepeatCount is not null)))
            {
                var all = new Dictionary<string, BoundDeclaration>(StringComparer.Ordinal) { [block.MetadataName] = bound };
                foreach (var b in blocks.Values)
                    if (b.MetadataName != block.MetadataName) all[b.MetadataName] = Binder.Bind(b, new List<DiagnosticInfo>(), blocks);
                list.AddRange(CheckRepeatLoops(bound, all));
            }
            return list;
        }

        /// <summary>A block's <c>Repeat = "num_layers"</c> is a constructor loop: its copies' channels must follow a rule the loop can
        /// write (the same for every later copy, or growing by the same number, as DenseNet's).</summary>
        private static IEnumerable<DiagnosticInfo> CheckRepeatLoops(BoundDeclaration block, Dictionary<string, BoundDeclaration> bound)
        {
            var flow = new ChannelFlow(bound);
            flow.Walk(block, Expr.Var(Expr.InChannels));
            foreach (var stage in block.Stages)
                foreach (var layer in stage.Layers)
                    if (flow.RepeatLoops.TryGetValue(layer, out var loop) && loop.Problem is { } problem)
                        yield return DiagnosticInfo.Create(DiagnosticDescriptors.StructuralParameter, layer.LocationOf("Repeat"), block.Spec.DisplayName + "." + stage.Name,
                            $"Repeat = \"{layer.RepeatCount}\" builds the copies in a loop of the constructor, but {problem}; give the count as a number");
        }

        /// <summary>Block-level checks that do not depend on a use: referenced blocks exist and are not cyclic.</summary>
        private static IEnumerable<DiagnosticInfo> CheckBlockReferences(BoundDeclaration block, Dictionary<string, DeclarationSpec> blocks)
        {
            // Unknown names in expressions are caught earlier, by the binder (the layer is then dropped).
            var earlier = new List<string>();
            foreach (var stage in block.Stages)
            {
                foreach (var layer in stage.Layers)
                {
                    // A skip reads an earlier stage of this block (or its input): a stage of the network using it is out of reach.
                    foreach (var name in layer.From)
                    {
                        if (name == BoundLayer.InputName || earlier.Contains(name)) continue;
                        yield return DiagnosticInfo.Create(DiagnosticDescriptors.UnknownStage, layer.LocationOf("from"), block.Spec.DisplayName + "." + stage.Name, name,
                            block.Spec.ClassName, earlier.Count == 0 ? " (a block's skip connections read its own earlier stages)" : $" (earlier stages: {string.Join(", ", earlier)})");
                    }
                    if (layer.BlockName is null) continue;
                    if (!blocks.ContainsKey(layer.BlockName))
                    {
                        yield return DiagnosticInfo.Create(DiagnosticDescriptors.NotABlock, layer.LocationOf("block"),
                            layer.BlockName.StartsWith("global::", StringComparison.Ordinal) ? layer.BlockName.Substring(8) : layer.BlockName);
                        continue;
                    }
                    var path = FindCycle(layer.BlockName, block.Spec.MetadataName, blocks, new HashSet<string>());
                    if (path is not null)
                        yield return DiagnosticInfo.Create(DiagnosticDescriptors.BlockCycle, layer.Location, block.Spec.ClassName,
                            string.Join(" → ", new[] { block.Spec.ClassName }.Concat(path.Select(Short))));
                }
                earlier.Add(stage.Name);
            }
        }

        private static string Short(string name)
        {
            if (name.StartsWith("global::", StringComparison.Ordinal)) name = name.Substring(8);
            int dot = name.LastIndexOf('.');
            return dot >= 0 ? name.Substring(dot + 1) : name;
        }

        private static List<string>? FindCycle(string from, string target, Dictionary<string, DeclarationSpec> blocks, HashSet<string> seen)
        {
            if (from == target) return new List<string> { from };
            if (!seen.Add(from) || !blocks.TryGetValue(from, out var spec)) return null;
            foreach (var stage in spec.Stages)
            {
                foreach (var layer in stage.Layers)
                {
                    var arg = layer.Args.FirstOrDefault(a => a.Name == "block");
                    if (arg?.Value.Kind != ArgKind.Type || arg.Value.Text is null) continue;
                    var rest = FindCycle(arg.Value.Text, target, blocks, seen);
                    if (rest is not null)
                    {
                        rest.Insert(0, from);
                        return rest;
                    }
                }
            }
            return null;
        }
    }
}
