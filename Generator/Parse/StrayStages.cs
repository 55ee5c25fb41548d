using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Parse
{
    /// <summary>
    /// NDSL0058: Stage fields or layer attributes in a class marked neither [Network] nor [Block] do nothing, which
    /// usually means the attribute was forgotten. One warning per type declaration, on its name.
    /// </summary>
    public static class StrayStages
    {
        private const string StageType = "NetDsl.Stage";
        private const string LayerAttribute = "NetDsl.LayerAttribute";

        /// <summary>The syntactic filter (runs on every edited type): a type declaration with a field whose type is written
        /// "Stage" (NetDsl.Stage, global::NetDsl.Stage) or that has attributes.</summary>
        public static bool MayHaveStages(SyntaxNode node) =>
            node is TypeDeclarationSyntax type && type.Members.Any(m => m is FieldDeclarationSyntax field &&
                (field.AttributeLists.Count > 0 || RightmostName(field.Declaration.Type) == "Stage"));

        private static string? RightmostName(TypeSyntax type) => type switch
        {
            IdentifierNameSyntax id => id.Identifier.ValueText,
            QualifiedNameSyntax q => q.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax a => a.Name.Identifier.ValueText,
            _ => null,
        };

        /// <summary>The warning for this declaration, or null when its class is a network or a block or has no stages.</summary>
        public static DiagnosticInfo? Check(GeneratorSyntaxContext context, CancellationToken cancellationToken)
        {
            var syntax = (TypeDeclarationSyntax)context.Node;
            if (context.SemanticModel.GetDeclaredSymbol(syntax, cancellationToken) is not INamedTypeSymbol symbol) return null;
            foreach (var attribute in symbol.GetAttributes())
            {
                if (attribute.AttributeClass?.ToDisplayString() is DeclarationParser.NetworkAttribute or DeclarationParser.BlockAttribute) return null;
            }
            var stages = new List<string>();
            var layered = new List<string>();
            foreach (var field in syntax.Members.OfType<FieldDeclarationSyntax>())
            {
                foreach (var variable in field.Declaration.Variables)
                {
                    if (context.SemanticModel.GetDeclaredSymbol(variable, cancellationToken) is not IFieldSymbol symbolField) continue;
                    if (symbolField.Type.ToDisplayString() == StageType) stages.Add(symbolField.Name);
                    else if (symbolField.GetAttributes().Any(a => IsLayerAttribute(a.AttributeClass))) layered.Add(symbolField.Name);
                }
            }
            if (stages.Count == 0 && layered.Count == 0) return null;
            var parts = new List<string>();
            if (stages.Count > 0) parts.Add((stages.Count == 1 ? "Stage field " : "Stage fields ") + string.Join(", ", stages));
            if (layered.Count > 0) parts.Add("layer attributes on " + string.Join(", ", layered));
            return DiagnosticInfo.Create(DiagnosticDescriptors.StageFieldsWithoutDeclaration, LocationInfo.From(syntax.Identifier.GetLocation()),
                symbol.Name, string.Join(" and ", parts));
        }

        private static bool IsLayerAttribute(INamedTypeSymbol? type)
        {
            for (var t = type; t is not null; t = t.BaseType)
            {
                if (t.ToDisplayString() == LayerAttribute) return true;
            }
            return false;
        }
    }
}
