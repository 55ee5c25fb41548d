using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Parse
{
    /// <summary>
    /// The names around a declaration: members the user wrote that the generator also writes (NDSL0056) or whose names
    /// its public members take (NDSL0057), the names the generated code must avoid (<see cref="DeclarationSpec.ReservedNames"/>)
    /// and the short names it must qualify (<see cref="DeclarationSpec.ShadowedNames"/>); non-finite numbers (NDSL0055).
    /// </summary>
    public static partial class DeclarationParser
    {
        /// <summary>
        /// The short names the generated code writes and where they must lead; a name bound to anything else at the class
        /// (a member, the class itself, a type of the namespace, a global using) is written qualified by the emitter.
        /// </summary>
        public static readonly IReadOnlyDictionary<string, string> ImportedNames = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["nn"] = "TorchSharp.torch.nn",
            ["Tensor"] = "TorchSharp.torch.Tensor",
            ["Modules"] = "TorchSharp.Modules",
            ["cat"] = "TorchSharp.torch.cat",
            ["NewDisposeScope"] = "TorchSharp.torch.NewDisposeScope",
            ["register_module"] = "TorchSharp.torch.nn.Module.register_module",
            ["OctaveTensor"] = "NetDsl.Octave.OctaveTensor",
            ["OctaveSequential"] = "NetDsl.Octave.OctaveSequential",
            ["OctaveConv2d"] = "NetDsl.Octave.OctaveConv2d",
            ["OctaveConvBn"] = "NetDsl.Octave.OctaveConvBn",
            ["OctaveConvBnAct"] = "NetDsl.Octave.OctaveConvBnAct",
            ["OctaveBatchNorm2d"] = "NetDsl.Octave.OctaveBatchNorm2d",
            ["PerFrequency"] = "NetDsl.Octave.PerFrequency",
        };

        private static bool HasAttribute(INamedTypeSymbol symbol, string attribute) =>
            symbol.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == attribute);

        /// <summary>
        /// Whether another parse already speaks for this class: a [Block] that is also a [Network] (the network's parse
        /// reports it), or the marker on a later partial declaration than the first one that has it.
        /// </summary>
        private static bool IsSecondSighting(GeneratorAttributeSyntaxContext context, DeclarationKind kind, INamedTypeSymbol symbol)
        {
            if (kind == DeclarationKind.Block && HasAttribute(symbol, NetworkAttribute)) return true;
            if (symbol.DeclaringSyntaxReferences.Length < 2) return false;
            // The first declaration (in the compiler's order) that carries the marker speaks for the class.
            string marker = kind == DeclarationKind.Network ? NetworkAttribute : BlockAttribute;
            var compilation = context.SemanticModel.Compilation;
            foreach (var reference in symbol.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax() is not TypeDeclarationSyntax declaration) continue;
                var model = declaration.SyntaxTree == context.SemanticModel.SyntaxTree ? context.SemanticModel : compilation.GetSemanticModel(declaration.SyntaxTree);
                bool marked = declaration.AttributeLists.SelectMany(l => l.Attributes)
                    .Any(a => model.GetSymbolInfo(a).Symbol?.ContainingType?.ToDisplayString() == marker);
                if (marked) return declaration != context.TargetNode;
            }
            return false;
        }

        private static string DisplayName(List<string> containing, string name) =>
            string.Join(".", containing.Select(c => c.Substring(c.LastIndexOf(' ') + 1)).Concat(new[] { name }));

        /// <summary>"NaN", "+Infinity" or "-Infinity" for a non-finite number, else null.</summary>
        private static string? NonFinite(double value) =>
            double.IsNaN(value) ? "NaN" : double.IsPositiveInfinity(value) ? "+Infinity" : double.IsNegativeInfinity(value) ? "-Infinity" : null;

        /// <summary>NDSL0055 for every NaN or infinity among a layer's arguments (array items included), on the argument.</summary>
        private static void CheckFinite(LayerSpec layer, string where, List<DiagnosticInfo> diagnostics)
        {
            foreach (var arg in layer.Args)
            {
                if (arg.Value.Kind == ArgKind.Double && NonFinite(arg.Value.Number) is { } what)
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NonFiniteArgument, arg.Location ?? layer.Location, where, arg.Name, what));
                else if (arg.Value.Kind == ArgKind.Array)
                {
                    for (int i = 0; i < arg.Value.Items.Count; i++)
                    {
                        var item = arg.Value.Items[i];
                        if (item.Kind == ArgKind.Double && NonFinite(item.Number) is { } w)
                            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NonFiniteArgument, arg.LocationOfItem(i) ?? layer.Location, where,
                                $"{arg.Name}[{i}]", w));
                    }
                }
            }
        }

        /// <summary>Where each item of an array argument was written (new[] { ... }, new T[] { ... } or [ ... ]); empty otherwise.</summary>
        private static EquatableArray<LocationInfo> ArrayItemLocations(ExpressionSyntax? expression)
        {
            IEnumerable<SyntaxNode>? items = expression switch
            {
                ImplicitArrayCreationExpressionSyntax implicitArray => implicitArray.Initializer.Expressions,
                ArrayCreationExpressionSyntax { Initializer: { } initializer } => initializer.Expressions,
                CollectionExpressionSyntax collection => collection.Elements,
                _ => null,
            };
            return items is null ? EquatableArray<LocationInfo>.Empty : items.Select(i => LocationInfo.From(i)!).ToEquatableArray();
        }

        /// <summary>
        /// NDSL0056 for a constructor, forward, Dispose(bool) or RegisterComponents the user wrote; NDSL0057 for a member
        /// (or the class itself) named like a generated public member. Both on the user's identifier.
        /// </summary>
        private static void CheckMembers(INamedTypeSymbol symbol, DeclarationKind kind, List<StageSpec> stages, List<DiagnosticInfo> diagnostics, LocationInfo? classLocation)
        {
            bool network = kind == DeclarationKind.Network;
            bool outputs = network && stages.Any(s => s.Layers.Any(l => l.Kind == "Output" || l.Kind == "Tap"));
            var taken = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["Stages"] = "Stages property (the stages with their shapes and modules)",
                ["Dispose"] = "Dispose(bool) override",
                ["RegisterComponents"] = "RegisterComponents override",
            };
            if (network) taken["Summary"] = "static Summary property (the compile-time summary)";
            else taken["InChannels"] = "InChannels property (the input channels the block was built for)";
            if (outputs)
            {
                taken["Outputs"] = "Outputs class (what forward_all returns)";
                taken["forward_all"] = "forward_all method";
            }

            foreach (var member in symbol.GetMembers())
            {
                if (member.IsImplicitlyDeclared) continue;
                var location = LocationInfo.From(member.Locations.FirstOrDefault()) ?? classLocation;
                if (member is IMethodSymbol method)
                {
                    if (method.MethodKind is MethodKind.PropertyGet or MethodKind.PropertySet or MethodKind.EventAdd or MethodKind.EventRemove or MethodKind.EventRaise)
                        continue;
                    string? written = method switch
                    {
                        { MethodKind: MethodKind.Constructor, IsStatic: false } => "its own constructor",
                        { Name: "forward", Parameters.Length: 1 } when method.Parameters[0].Type.Name is "Tensor" or "OctaveTensor" => "its own forward",
                        { Name: "forward", Parameters.Length: 2 } when !network && method.Parameters[1].Type.ToDisplayString() == "NetDsl.Taps" => "its own forward(input, taps)",
                        { Name: "Dispose", Parameters.Length: 1 } when method.Parameters[0].Type.SpecialType == SpecialType.System_Boolean => "its own Dispose(bool)",
                        { Name: "RegisterComponents", Parameters.Length: 0 } => "its own RegisterComponents()",
                        _ => null,
                    };
                    if (written is not null)
                    {
                        string fix = method.MethodKind == MethodKind.Constructor
                            ? $"remove it: the generated one builds the layers ({(network ? $"new {symbol.Name}()" : $"new {symbol.Name}(in_channels, ...)")})"
                            : method.Name == "forward" ? "remove it: the generated forward runs the stages in declaration order"
                            : method.Name == "Dispose" ? "remove it: the generated one disposes the stages' modules"
                            : "remove it: the generated one registers the modules under their PyTorch names";
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GeneratedMemberWritten, location, symbol.Name, written, fix));
                        continue;
                    }
                    // Overloads of Dispose and RegisterComponents are ordinary methods.
                    if (method.Name is "Dispose" or "RegisterComponents") continue;
                }
                if (taken.TryGetValue(member.Name, out var what))
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GeneratedNameTaken, location, symbol.Name, member.Name, what,
                        member is IFieldSymbol { Type.Name: "Stage" } ? "stage (its name is its PyTorch name, so it cannot be renamed for you)" : "member"));
            }
            // The class itself: a member cannot be named like its class (CS0542). Stages is implemented explicitly then,
            // forward moves to the base class, ToString is not generated; the rest cannot move.
            taken.Remove("Stages");
            if (taken.TryGetValue(symbol.Name, out var own))
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GeneratedNameTaken, classLocation, symbol.Name, symbol.Name, own, "class"));
        }

        /// <summary>See <see cref="DeclarationSpec.ReservedNames"/>.</summary>
        private static EquatableArray<string> ReservedNames(Compilation compilation, INamedTypeSymbol symbol)
        {
            var names = new SortedSet<string>(StringComparer.Ordinal) { symbol.Name };
            foreach (var member in symbol.GetMembers())
            {
                if (!member.IsImplicitlyDeclared && member.CanBeReferencedByName) names.Add(member.Name);
            }
            for (var parent = symbol.ContainingType; parent is not null; parent = parent.ContainingType) names.Add(parent.Name);
            // The accessible members of TorchSharp's Module<T, TResult> and its bases: a generated field named like one would
            // hide it (CS0108).
            for (var type = compilation.GetTypeByMetadataName("TorchSharp.torch+nn+Module`2") as INamedTypeSymbol; type is not null; type = type.BaseType)
            {
                if (type.SpecialType == SpecialType.System_Object) break;
                foreach (var member in type.GetMembers())
                {
                    if (member.DeclaredAccessibility is Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal && member.CanBeReferencedByName)
                        names.Add(member.Name);
                }
            }
            return names.ToEquatableArray();
        }

        /// <summary>See <see cref="DeclarationSpec.ShadowedNames"/>: the names of <see cref="ImportedNames"/> that bind to anything
        /// else inside the class (looked up where its body starts, as the compiler binds a simple name there).</summary>
        private static EquatableArray<string> ShadowedNames(SemanticModel model, TypeDeclarationSyntax syntax, INamedTypeSymbol symbol)
        {
            int position = syntax.OpenBraceToken.IsMissing ? syntax.Identifier.Span.End : syntax.OpenBraceToken.Span.End;
            var shadowed = new List<string>();
            foreach (var pair in ImportedNames)
            {
                bool clash = symbol.Name == pair.Key || !symbol.GetMembers(pair.Key).IsEmpty;
                if (!clash)
                {
                    foreach (var found in model.LookupSymbols(position, name: pair.Key))
                    {
                        string full = found is IMethodSymbol m ? m.ContainingType.ToDisplayString() + "." + m.Name : found.ToDisplayString();
                        if (full != pair.Value) clash = true;
                    }
                }
                if (clash) shadowed.Add(pair.Key);
            }
            shadowed.Sort(StringComparer.Ordinal);
            return shadowed.ToEquatableArray();
        }
    }
}
