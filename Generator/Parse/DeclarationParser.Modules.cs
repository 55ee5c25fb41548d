using System.Linq;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Parse
{
    public static partial class DeclarationParser
    {
        private const string ModuleAttributeName = "NetDsl.ModuleAttribute";
        private const string TorchModule = "TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>";

        /// <summary>The class of a [Module(typeof(X), ...)] attribute, reduced to what the rule checks: whether X is a
        /// Module&lt;Tensor, Tensor&gt; the generated code can construct, and its constructors; null for other attributes.</summary>
        private static ModuleTypeSpec? ModuleTypeOf(AttributeData attribute)
        {
            if (attribute.AttributeClass?.ToDisplayString() != ModuleAttributeName) return null;
            if (attribute.ConstructorArguments.Length == 0 || attribute.ConstructorArguments[0].Value is not INamedTypeSymbol type) return null;
            string name = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            string display = type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
            var constructors = type.InstanceConstructors
                .Where(c => !c.IsImplicitlyDeclared || c.Parameters.Length == 0)
                .Where(c => c.DeclaredAccessibility == Accessibility.Public
                    || c.DeclaredAccessibility is Accessibility.Internal or Accessibility.ProtectedOrInternal && type.Locations.Any(l => l.IsInSource))
                .Select(c => new ConstructorSpec(
                    c.Parameters.Select(p => new ConstructorParamSpec(p.Name, TypeName(p.Type), p.HasExplicitDefaultValue || p.IsParams)).ToEquatableArray(),
                    display + "(" + string.Join(", ", c.Parameters.Select(p => TypeName(p.Type) + " " + p.Name + (p.HasExplicitDefaultValue ? " = …" : ""))) + ")"))
                .ToEquatableArray();
            return new ModuleTypeSpec(name, display, ModuleProblem(type), constructors);
        }

        private static string? ModuleProblem(INamedTypeSymbol type)
        {
            if (type.IsUnboundGenericType) return "it is an open generic type; give its type arguments";
            if (HasAttribute(type, BlockAttribute) || HasAttribute(type, NetworkAttribute))
                return "it is a NetDsl declaration; use it with [Use(typeof(" + type.Name + "), ...)]";
            if (type.TypeKind != TypeKind.Class) return "it is not a class";
            bool module = false;
            for (var t = type.BaseType; t is not null && !module; t = t.BaseType) module = t.ToDisplayString() == TorchModule;
            if (!module) return "it does not derive from TorchSharp's nn.Module<Tensor, Tensor>";
            if (type.IsAbstract) return "it is abstract";
            if (type.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
                return "it is not accessible to the generated code (make it public or internal)";
            return null;
        }

        /// <summary>The C# keyword of a parameter type the arguments can bind to, else its display name.</summary>
        private static string TypeName(ITypeSymbol type) => type.SpecialType switch
        {
            SpecialType.System_Int32 => "int",
            SpecialType.System_Int64 => "long",
            SpecialType.System_Double => "double",
            SpecialType.System_Single => "float",
            SpecialType.System_Boolean => "bool",
            SpecialType.System_String => "string",
            _ => type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
        };
    }
}
