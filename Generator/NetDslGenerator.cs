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
            var networks = context.SyntaxProvider.ForAttributeWithMetadataName(
                    DeclarationParser.NetworkAttribute,
                    static (node, _) => node is TypeDeclarationSyntax,
                    static (ctx, ct) => DeclarationParser.Parse(ctx, DeclarationKind.Network, ct))
                .WithTrackingName(TrackingNames.Networks);

            var blocks = context.SyntaxProvider.ForAttributeWithMetadataName(
                    DeclarationParser.BlockAttribute,
                    static (node, _) => node is TypeDeclarationSyntax,
                    static (ctx, ct) => DeclarationParser.Parse(ctx, DeclarationKind.Block, ct))
                .WithTrackingName(TrackingNames.Blocks);

            var allBlocks = blocks.Collect()
                .Select(static (items, _) => items.OrderBy(b => b.MetadataName, StringComparer.Ordinal).ToEquatableArray())
                .WithTrackingName(TrackingNames.AllBlocks);

            var networkResults = networks.Combine(allBlocks)
                .Select(static (pair, ct) => Generate(pair.Left, pair.Right))
                .WithTrackingName(TrackingNames.NetworkResults);

            var blockResults = blocks.Combine(allBlocks)
                .Select(static (pair, ct) => Generate(pair.Left, pair.Right))
                .WithTrackingName(TrackingNames.BlockResults);

            Register(context, networkResults, TrackingNames.NetworkSources);
            Register(context, blockResults, TrackingNames.BlockSources);
        }

        private static void Register(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<GenerationResult> results, string name)
        {
            var sources = results.Select(static (r, _) => r.Source).WithTrackingName(name);
            context.RegisterSourceOutput(sources, static (spc, source) =>
            {
                if (source.Text is not null) spc.AddSource(source.HintName, SourceText.From(source.Text, System.Text.Encoding.UTF8));
            });
            var diagnostics = results.Select(static (r, _) => r.Diagnostics);
            context.RegisterSourceOutput(diagnostics, static (spc, list) =>
            {
                foreach (var d in list) spc.ReportDiagnostic(d.ToDiagnostic());
            });
        }

        /// <summary>Infers and emits one declaration. Never throws: failures become NDSL0019.</summary>
        public static GenerationResult Generate(DeclarationSpec spec, EquatableArray<DeclarationSpec> blocks)
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
                    diagnostics.AddRange(inference.Diagnostics);
                    // Blocks used by this network with declaration errors of their own: those are reported on the block.
                    bool blockErrors = inference.Bound.Keys.Any(k => blockMap.TryGetValue(k, out var b) && b.ParseDiagnostics.Any(d => d.IsError));
                    text = inference.Completed && !diagnostics.Exists(d => d.IsError) && !blockErrors
                        ? ModuleEmitter.EmitNetwork(inference, inference.Bound[spec.MetadataName])
                        : null;
                }
                else
                {
                    var bound = new Dictionary<string, BoundDeclaration>(StringComparer.Ordinal);
                    var own = Binder.Bind(spec, diagnostics);
                    bound[spec.MetadataName] = own;
                    foreach (var b in blockMap.Values)
                    {
                        if (b.MetadataName != spec.MetadataName) bound[b.MetadataName] = Binder.Bind(b, new List<DiagnosticInfo>());
                    }
                    diagnostics.AddRange(CheckBlockReferences(own, blockMap));
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

        /// <summary>Block-level checks that do not depend on a use: expressions name only parameters, referenced blocks exist and are not cyclic.</summary>
        private static IEnumerable<DiagnosticInfo> CheckBlockReferences(BoundDeclaration block, Dictionary<string, DeclarationSpec> blocks)
        {
            var known = new List<string> { Expr.InChannels };
            known.AddRange(block.Spec.Params.Select(p => p.Name));
            foreach (var stage in block.Stages)
            {
                foreach (var layer in stage.Layers)
                {
                    // The block's constructor uses these expressions as C#: an unknown name would not compile.
                    foreach (var (argument, expr) in Expressions(layer))
                    {
                        var names = new SortedSet<string>(StringComparer.Ordinal);
                        expr.CollectVariables(names);
                        foreach (var name in names.Where(n => !known.Contains(n)))
                            yield return DiagnosticInfo.Create(DiagnosticDescriptors.InvalidExpression, layer.LocationOf(argument),
                                block.Spec.DisplayName + "." + stage.Name, $"{argument}: unknown name '{name}' (known: {string.Join(", ", known)})");
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
            }
        }

        private static IEnumerable<(string Argument, Expr Expr)> Expressions(BoundLayer layer)
        {
            bool pool = layer.Kind is LayerKind.MaxPool or LayerKind.AvgPool;
            var all = new (string, Expr?)[]
            {
                (layer.Kind == LayerKind.Linear ? "outFeatures" : "outChannels", layer.Out), (pool ? "kernel" : "Kernel", layer.Kernel),
                ("Stride", layer.Stride), ("Padding", layer.Padding), ("OutputPadding", layer.OutputPadding), ("Dilation", layer.Dilation),
                ("Groups", layer.Groups), ("In", layer.In), ("size", layer.Size),
            };
            foreach (var (argument, expr) in all)
            {
                if (expr is not null) yield return (argument, expr);
            }
            foreach (var arg in layer.BlockArgs) yield return ("args", arg.Value);
        }

        private static string Short(string name)
        {
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
